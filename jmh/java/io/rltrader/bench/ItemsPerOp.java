package io.rltrader.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How many items (env-steps, samples, updates, bars, rows) one benchmark operation covers, so that
 * tools/bench can report items per second: either a constant {@link #value()} or the value of a JMH
 * {@code @Param} named by {@link #param()} (for example {@code param = "envs"}), times
 * {@link #value()}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ItemsPerOp {
    long value() default 1;

    String param() default "";

    /** What one item is, for the report: "env-step", "sample", "update", "bar", "row". */
    String unit();
}

package io.rltrader.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a JMH benchmark method whose operation must not allocate on the Java heap.
 * {@code AllocationGateTest} runs every such benchmark briefly with the GC profiler and fails when
 * {@code gc.alloc.rate.norm} exceeds {@link #maxBytesPerOp()}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AllocationFree {
    /** Tolerance for JMH's own measurement noise; a real allocation costs at least 16 bytes. */
    double maxBytesPerOp() default 8.0;
}

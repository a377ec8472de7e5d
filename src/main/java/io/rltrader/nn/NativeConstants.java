package io.rltrader.nn;

import org.bytedeco.pytorch.Scalar;

/**
 * Scalars used as {@code alpha}/{@code beta}/{@code value} arguments of in-place ops everywhere.
 * A {@code new Scalar} costs a native allocation and ~136 bytes of heap, so the common ones are made
 * once for the life of the process (never closed: they are a handful of bytes).
 */
public final class NativeConstants {
    public static final Scalar ZERO;
    public static final Scalar ONE;
    public static final Scalar MINUS_ONE;
    public static final Scalar HALF;

    static {
        NativeRuntime.init();
        ZERO = permanent(0.0);
        ONE = permanent(1.0);
        MINUS_ONE = permanent(-1.0);
        HALF = permanent(0.5);
    }

    /** A scalar that no PointerScope active at class initialization can free (its count is held). */
    private static Scalar permanent(double value) {
        Scalar scalar = new Scalar(value);
        scalar.retainReference();
        return scalar;
    }

    private NativeConstants() {
    }
}

package io.rltrader.util;

/**
 * {@code x^y} as {@code 2^(y log2 x)} from two small tables and short polynomials, for loops that
 * need one power per element (prioritized replay's importance weights, one per sampled
 * transition), where {@link Math#pow} (the JDK's intrinsic, about 20 ns) would be a large share of
 * the loop; this is a few nanoseconds, without branches on the common path.
 *
 * <p>Accuracy: relative error below {@code 5e-16 (1 + |y log2 x|)} (the rounding of
 * {@code y log2 x} dominates for large powers), so below {@code 1e-14} for results within
 * {@code 2^-18 .. 2^18}; tested against {@code Math.pow}. A result rounded to float therefore equals
 * {@code (float) Math.pow(x, y)} except where the exact power lies that close to the midpoint
 * between two floats (about one in ten million random arguments), and then it is the other of the
 * two. {@code pow(1, y)} and {@code pow(x, 0)} are exactly 1. Arguments outside the fast path's
 * domain go to {@code Math.pow}: x that is not a positive normal finite double as
 * {@code Math.pow(x, y)}, and results beyond the normal double range (overflow, subnormal, zero) or
 * NaN as {@code Math.pow(2, y log2 x)}.
 */
public final class FastPow {
    /**
     * The mantissa of x, taken in {@code [sqrt(2) / 2, sqrt(2))} (so that a log near 0 is not the
     * difference of two larger numbers), is rounded to {@code c_j = j / 128}, {@code j = 90..181}:
     * {@code |m / c_j - 1| <= 0.0056}.
     */
    private static final int LOG_BITS = 7;
    /** Mantissa bits of sqrt(2): at or above them, the mantissa is halved and the exponent raised. */
    private static final long SQRT2_MANTISSA = 0x6A09E667F3BCDL;
    /** {@code c_j = j / 128}, indexed by j (entries below 90 unused). */
    private static final double[] CENTER = new double[182];
    /** {@code 1 / c_j} rounded. */
    private static final double[] INVERSE = new double[182];
    /** {@code log2(c_j)}; {@code log2(c_128) = 0} exactly. */
    private static final double[] LOG2_C = new double[182];
    /** 2^t is split as {@code 2^e * 2^(j / 64) * 2^f}, {@code |f| <= 1 / 128}. */
    private static final int EXP_BITS = 6;
    private static final double[] EXP2_FRACTION = new double[1 << EXP_BITS];
    /** Added and subtracted, rounds a double below 2^51 in magnitude to an integer, which its low bits then hold. */
    private static final double ROUNDER = 0x1.8p52;
    private static final double LOG2_E = 1.4426950408889634;
    private static final double LN_2 = 0.6931471805599453;
    private static final long MANTISSA = 0x000F_FFFF_FFFF_FFFFL;
    private static final long IMPLICIT_ONE = 1L << 52;

    static {
        for (int j = 64; j < CENTER.length; j++) {
            double c = j / (double) (1 << LOG_BITS);
            CENTER[j] = c;
            INVERSE[j] = 1.0 / c;
            LOG2_C[j] = Math.log(c) / Math.log(2.0);
        }
        for (int j = 0; j < EXP2_FRACTION.length; j++) {
            EXP2_FRACTION[j] = Math.pow(2.0, j / (double) (1 << EXP_BITS));
        }
    }

    private FastPow() {
    }

    /** {@code x^y}; see the class comment for accuracy and domain. */
    public static double pow(double x, double y) {
        if (!normal(x)) {
            return Math.pow(x, y);
        }
        return exp2OrLimit(y * log2(x));
    }

    /**
     * Replaces {@code values[0 .. count)} with {@code values[i]^y}, exactly as {@link #pow} would,
     * in two passes (logarithms, then powers of 2): each call of {@link #pow} is a chain of about a
     * hundred cycles of dependent arithmetic, of which the processor can overlap only a few at a
     * time; the two halves overlap better. Allocates nothing.
     */
    public static void powInPlace(double[] values, int count, double y) {
        checkCount(values, count);
        if (!allNormal(values, count)) {
            for (int i = 0; i < count; i++) {
                values[i] = pow(values[i], y);
            }
            return;
        }
        scaledLog2(values, count, y);
        exp2InPlace(values, count);
    }

    /**
     * The first half of {@link #powInPlace}: replaces {@code values[0 .. count)}, which must all be
     * positive normal finite doubles, with {@code y log2(values[i])}, the exponent that
     * {@link #exp2InPlace} turns into exactly the power {@code powInPlace} gives. For callers that
     * keep the exponent too (prioritized replay keeps {@code log2} of each priority, so that an
     * importance weight, a power of a ratio of priorities, needs only the second half). Allocates
     * nothing.
     *
     * @throws IllegalArgumentException naming the first value outside the domain
     */
    public static void scaledLog2InPlace(double[] values, int count, double y) {
        checkCount(values, count);
        if (!allNormal(values, count)) {
            for (int i = 0; i < count; i++) {
                if (!normal(values[i])) {
                    throw new IllegalArgumentException("log2 of " + values[i] + " at index " + i
                        + ": expected a positive normal finite number");
                }
            }
        }
        scaledLog2(values, count, y);
    }

    /**
     * Replaces {@code values[0 .. count)} with {@code 2^values[i]}: the second half of
     * {@link #powInPlace} (results beyond the normal double range, and NaN, as {@code Math.pow(2, t)}).
     */
    public static void exp2InPlace(double[] values, int count) {
        checkCount(values, count);
        for (int i = 0; i < count; i++) {
            values[i] = exp2OrLimit(values[i]);
        }
    }

    /** {@code log2(x)} of one positive normal finite {@code x}, as {@link #scaledLog2InPlace} computes it. */
    public static double log2Checked(double x) {
        if (!normal(x)) {
            throw new IllegalArgumentException("log2 of " + x + ": expected a positive normal finite number");
        }
        return log2(x);
    }

    private static void checkCount(double[] values, int count) {
        if (count < 0 || count > values.length) {
            throw new IndexOutOfBoundsException("count " + count + " outside [0, " + values.length + "]");
        }
    }

    /** True when {@code values[0 .. count)} all lie in {@link #log2}'s domain; one branch-free pass. */
    private static boolean allNormal(double[] values, int count) {
        boolean all = true;
        for (int i = 0; i < count; i++) {
            all &= normal(values[i]);
        }
        return all;
    }

    private static void scaledLog2(double[] values, int count, double y) {
        for (int i = 0; i < count; i++) {
            values[i] = y * log2(values[i]);
        }
    }

    /** True for a positive normal finite double, the domain of {@link #log2} and {@link #log2Checked}. */
    public static boolean normal(double x) {
        return x >= Double.MIN_NORMAL & x <= Double.MAX_VALUE;
    }

    /** {@code 2^t}; beyond the normal exponent range (overflow, subnormal or zero results, NaN) from {@code Math.pow}. */
    private static double exp2OrLimit(double t) {
        if (!(t > -1022.0 & t < 1023.0)) {
            return Math.pow(2.0, t);
        }
        return exp2(t);
    }

    /**
     * {@code log2(x)} for a positive normal finite {@code x} (unchecked): the exponent, plus
     * {@code log2(c_j)} for the table point nearest the mantissa m, plus {@code log2(1 + r)},
     * {@code r = (m - c_j) / c_j}, from six terms of the series of {@code ln(1 + r)} ({@code |r| <= 0.0056},
     * so the first term left out is below {@code 3e-17}). {@code m - c_j} is exact. Integer steps
     * and a polynomial evaluated in a tree (Estrin) rather than a chain (Horner) keep the latency
     * short, so that many calls overlap.
     */
    static double log2(double x) {
        long bits = Double.doubleToRawLongBits(x);
        long mantissa = bits & MANTISSA;
        // 1 when the mantissa is at or above sqrt(2), from the sign of the difference (no branch)
        long high = ((mantissa - SQRT2_MANTISSA) >>> 63) ^ 1;
        int exponent = (int) (bits >>> 52) - 1023 + (int) high;
        double m = Double.longBitsToDouble(mantissa | ((1023L - high) << 52));
        // round(m * 128): m * 2^52 is (2^52 + mantissa) / 2^high
        int j = (int) (((IMPLICIT_ONE | mantissa) + (1L << (44 + high))) >>> (45 + high));
        double r = (m - CENTER[j]) * INVERSE[j];
        double r2 = r * r;
        double low = r2 * (-0.5 + r * (1.0 / 3));
        double high4 = (r2 * r2) * ((-0.25 + r * 0.2) - r2 * (1.0 / 6));
        double ln = r + (low + high4);
        return (exponent + LOG2_C[j]) + ln * LOG2_E;
    }

    /**
     * {@code 2^t} for {@code -1022 < t < 1023} (unchecked): {@code t = e + j / 64 + f} with
     * {@code |f| <= 1 / 128}, {@code 2^f = exp(f ln 2)} from six terms of its series (the first left
     * out is below {@code 4e-17}), {@code 2^(j / 64)} from the table and {@code 2^e} built as bits.
     */
    static double exp2(double t) {
        double scaled = t * (1 << EXP_BITS);
        double shifted = scaled + ROUNDER;
        int k = (int) Double.doubleToRawLongBits(shifted);
        double z = (scaled - (shifted - ROUNDER)) * (LN_2 / (1 << EXP_BITS));
        double z2 = z * z;
        double expZ = (1.0 + z) + (z2 * (0.5 + z * (1.0 / 6)) + (z2 * z2) * (1.0 / 24 + z * (1.0 / 120)));
        double scale = Double.longBitsToDouble((long) ((k >> EXP_BITS) + 1023) << 52);
        return EXP2_FRACTION[k & ((1 << EXP_BITS) - 1)] * expZ * scale;
    }
}

package io.rltrader.util;

/**
 * {@code x^y} for one exponent {@code 0 < y < 1} fixed at construction and many {@code x}, from
 * tables made for that {@code y}: prioritized replay's priorities {@code (|delta| + epsilon)^alpha},
 * one for every sampled transition on every update.
 *
 * <p>With {@code x = 2^e m}, {@code m} in {@code [1, 2)} rounded to the nearest {@code c_j = 1 + j / 128},
 * {@code x^y = 2^(e y) * c_j^y * (1 + d)^y} with {@code d = (m - c_j) / c_j}, {@code |d| <= 1 / 256}:
 * the first two factors come from tables, the third from its binomial series up to {@code d^5}
 * (the first term left out is below {@code 1.5e-16} for every {@code y} in {@code (0, 1)}), and
 * {@code m - c_j} is exact. That is a short chain of independent arithmetic, where
 * {@link FastPow#pow} takes a logarithm and then a power of 2 that waits on it, so a loop over many
 * {@code x} overlaps its iterations fully.
 *
 * <p>Accuracy: relative error below {@code 1e-15} against {@code Math.pow} (tested). The tables are
 * made with {@link StrictMath}, so the results are the same bits on every machine. An {@code x}
 * that is not a positive normal finite double goes to {@link FastPow#pow}, which follows
 * {@code Math.pow} there.
 */
public final class FixedExponentPow {
    /** Mantissa bits of the table points: {@code c_j = 1 + j / 2^7}, {@code j = 0..128}. */
    private static final int TABLE_BITS = 7;
    private static final int POINTS = (1 << TABLE_BITS) + 1;
    private static final long MANTISSA = 0x000F_FFFF_FFFF_FFFFL;
    private static final long ONE_BITS = 0x3FF0_0000_0000_0000L;
    /** Biased exponents of the normal doubles: 1 .. 2046. */
    private static final int EXPONENTS = 2047;
    private static final double LN_2 = 0.6931471805599453;

    private final double y;
    private final double[] center = new double[POINTS];
    private final double[] inverse = new double[POINTS];
    private final double[] centerPower = new double[POINTS];
    /** {@code 2^((b - 1023) y)} for the biased exponent {@code b}; index 0 (zero and subnormal x) unused. */
    private final double[] exponentPower = new double[EXPONENTS];
    private final double a1;
    private final double a2;
    private final double a3;
    private final double a4;
    private final double a5;

    /**
     * @param y the exponent, in {@code (0, 1)}
     */
    public FixedExponentPow(double y) {
        if (!(y > 0.0 && y < 1.0)) {
            throw new IllegalArgumentException("the table power needs an exponent in (0, 1), got " + y);
        }
        this.y = y;
        for (int j = 0; j < POINTS; j++) {
            double c = 1.0 + j / (double) (1 << TABLE_BITS);
            center[j] = c;
            inverse[j] = 1.0 / c;
            centerPower[j] = StrictMath.pow(c, y);
        }
        for (int biased = 1; biased < EXPONENTS; biased++) {
            // e y = t + r exactly (r the product's rounding error, below 2^-42), and 2^r = 1 + r ln 2
            // to within 1e-26: exact for an exponent of up to 42 significant bits (a float alpha's 24
            // included), and for others no rounding grows with |e y|
            double e = biased - 1023;
            double t = e * y;
            double r = Math.fma(e, y, -t);
            exponentPower[biased] = StrictMath.pow(2.0, t) * (1.0 + r * LN_2);
        }
        // (1 + d)^y = 1 + a1 d + a2 d^2 + ..., a_k = y (y - 1) ... (y - k + 1) / k!
        a1 = y;
        a2 = a1 * (y - 1) / 2;
        a3 = a2 * (y - 2) / 3;
        a4 = a3 * (y - 3) / 4;
        a5 = a4 * (y - 4) / 5;
    }

    /** The exponent this power was made for. */
    public double exponent() {
        return y;
    }

    /** {@code x^y}; see the class comment for accuracy and domain. */
    public double pow(double x) {
        long bits = Double.doubleToRawLongBits(x);
        int biased = (int) (bits >>> 52);
        if (biased < 1 || biased >= EXPONENTS) {
            // zero, subnormal, negative (the sign bit makes biased >= 2048), infinite or NaN
            return FastPow.pow(x, y);
        }
        long mantissa = bits & MANTISSA;
        int j = (int) ((mantissa + (1L << (51 - TABLE_BITS))) >>> (52 - TABLE_BITS));
        double m = Double.longBitsToDouble(mantissa | ONE_BITS);
        double d = (m - center[j]) * inverse[j];
        double series = 1.0 + d * (a1 + d * (a2 + d * (a3 + d * (a4 + d * a5))));
        return exponentPower[biased] * centerPower[j] * series;
    }
}

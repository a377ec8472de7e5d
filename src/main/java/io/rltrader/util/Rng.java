package io.rltrader.util;

/**
 * Deterministic, allocation-free pseudo-random generator (SplitMix64 stream).
 *
 * <p>Every generator in rltrader derives from one run seed through {@link #split(long)}, so the same
 * seed gives bit-identical results on every JVM: nothing here depends on the JDK's own algorithms
 * (whose Gaussian sampler, for example, changed between releases).
 */
public final class Rng {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private long state;
    private double spareGaussian;
    private boolean hasSpareGaussian;

    public Rng(long seed) {
        this.state = mix64(seed);
    }

    /** A generator for a named sub-stream of a run seed (for example, {@code split(seed, 7)} for env 7). */
    public static Rng split(long seed, long stream) {
        return new Rng(mix64(seed + GOLDEN_GAMMA * (stream + 1)));
    }

    /** Derives the seed of sub-stream {@code stream} without creating a generator. */
    public static long deriveSeed(long seed, long stream) {
        return mix64(seed + GOLDEN_GAMMA * (stream + 1));
    }

    public void setSeed(long seed) {
        this.state = mix64(seed);
        this.hasSpareGaussian = false;
    }

    /** Full generator state, for checkpoints: {state, spare-gaussian bits, has-spare flag}. */
    public long[] saveState() {
        return new long[] {state, Double.doubleToRawLongBits(spareGaussian), hasSpareGaussian ? 1 : 0};
    }

    /** An independent generator in this one's current state: both draw the same sequence from here. */
    public Rng copy() {
        Rng copy = new Rng(0);
        copy.state = state;
        copy.spareGaussian = spareGaussian;
        copy.hasSpareGaussian = hasSpareGaussian;
        return copy;
    }

    public void restoreState(long[] saved) {
        if (saved.length != 3) {
            throw new IllegalArgumentException("RNG state must have 3 longs, got " + saved.length);
        }
        state = saved[0];
        spareGaussian = Double.longBitsToDouble(saved[1]);
        hasSpareGaussian = saved[2] != 0;
    }

    public long nextLong() {
        long z = (state += GOLDEN_GAMMA);
        return mix64Variant13(z);
    }

    public int nextInt() {
        return (int) (nextLong() >>> 32);
    }

    /** Uniform in [0, bound), unbiased (Lemire's method with rejection). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Standard normal by the Marsaglia polar method. */
    public double nextGaussian() {
        if (hasSpareGaussian) {
            hasSpareGaussian = false;
            return spareGaussian;
        }
        double u;
        double v;
        double s;
        do {
            u = 2.0 * nextDouble() - 1.0;
            v = 2.0 * nextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double factor = Math.sqrt(-2.0 * Math.log(s) / s);
        spareGaussian = v * factor;
        hasSpareGaussian = true;
        return u * factor;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private static long mix64Variant13(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}

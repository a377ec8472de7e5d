package io.rltrader.data;

import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.util.Locale;

/**
 * Seeded, reproducible price series with known structure: the test beds agents must learn on.
 * Each returns single-asset {@link MarketData} with Close, Open (the previous close, so fills at the
 * next open are meaningful), High/Low (the max/min of open and close) and no volume; times are the
 * row index. The same seed gives bit-identical series on every JVM ({@link Rng}).
 */
public final class SyntheticSeries {
    /** Kinds by CLI name. */
    public enum Kind { GBM, OU, SINE, REGIME }

    private SyntheticSeries() {
    }

    /** The series of {@code kind} with its default parameters. */
    public static MarketData generate(Kind kind, int bars, long seed) {
        switch (kind) {
            case GBM: return gbm(bars, seed, 100, 0.08, 0.2);
            case OU: return ornsteinUhlenbeck(bars, seed, 100, 0.05, 0.01);
            case SINE: return sine(bars, seed, 100, 0.1, 40, 0.002);
            case REGIME: return regime(bars, seed, 100, 0.3, -0.3, 0.15, 0.01);
            default: throw new IllegalStateException(kind.toString());
        }
    }

    public static Kind parseKind(String name) {
        try {
            return Kind.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--synthetic '" + name + "': expected gbm, ou, sine or regime");
        }
    }

    /**
     * Geometric Brownian motion with annual drift {@code mu} and volatility {@code sigma}, daily steps
     * (dt = 1/252): S[t+1] = S[t] exp((mu - sigma^2/2) dt + sigma sqrt(dt) Z).
     */
    public static MarketData gbm(int bars, long seed, double s0, double mu, double sigma) {
        requireBars(bars);
        Rng rng = new Rng(seed);
        double dt = 1.0 / 252;
        double[] close = new double[bars];
        close[0] = s0;
        for (int t = 1; t < bars; t++) {
            close[t] = close[t - 1] * Math.exp((mu - 0.5 * sigma * sigma) * dt + sigma * Math.sqrt(dt) * rng.nextGaussian());
        }
        return fromCloses("synthetic:gbm(seed=" + seed + ")", close);
    }

    /**
     * Mean-reverting log price: x[t+1] = x[t] + theta (log(mean) - x[t]) + sigma Z, price = exp(x).
     * With theta 0.05 the half-life of a deviation is about 14 bars.
     */
    public static MarketData ornsteinUhlenbeck(int bars, long seed, double mean, double theta, double sigma) {
        requireBars(bars);
        Rng rng = new Rng(seed);
        double level = Math.log(mean);
        double x = level;
        double[] close = new double[bars];
        for (int t = 0; t < bars; t++) {
            close[t] = Math.exp(x);
            x += theta * (level - x) + sigma * rng.nextGaussian();
        }
        return fromCloses("synthetic:ou(seed=" + seed + ")", close);
    }

    /**
     * A sine wave with multiplicative noise: P[t] = base (1 + amplitude sin(2 pi t / period)) exp(noise Z).
     * The optimal policy is long while the next move is up: a known-optimum task.
     */
    public static MarketData sine(int bars, long seed, double base, double amplitude, double period, double noise) {
        requireBars(bars);
        if (!(amplitude > 0 && amplitude < 1)) {
            throw new UserInputException("sine amplitude must be in (0, 1) so prices stay positive, got " + amplitude);
        }
        Rng rng = new Rng(seed);
        double[] close = new double[bars];
        for (int t = 0; t < bars; t++) {
            close[t] = base * (1 + amplitude * Math.sin(2 * Math.PI * t / period)) * Math.exp(noise * rng.nextGaussian());
        }
        return fromCloses("synthetic:sine(seed=" + seed + ")", close);
    }

    /**
     * Two-regime Markov switching GBM: annual drift {@code muUp} or {@code muDown}, volatility
     * {@code sigma}, switching with probability {@code switchProbability} per bar. Being long in the
     * up regime and flat in the down regime is optimal.
     */
    public static MarketData regime(int bars, long seed, double s0, double muUp, double muDown, double sigma,
                                    double switchProbability) {
        requireBars(bars);
        Rng rng = new Rng(seed);
        double dt = 1.0 / 252;
        double[] close = new double[bars];
        close[0] = s0;
        boolean up = true;
        for (int t = 1; t < bars; t++) {
            if (rng.nextDouble() < switchProbability) {
                up = !up;
            }
            double mu = up ? muUp : muDown;
            close[t] = close[t - 1] * Math.exp((mu - 0.5 * sigma * sigma) * dt + sigma * Math.sqrt(dt) * rng.nextGaussian());
        }
        return fromCloses("synthetic:regime(seed=" + seed + ")", close);
    }

    /** Single-asset market data from closes: open = previous close, high/low = max/min(open, close). */
    public static MarketData fromCloses(String source, double[] close) {
        int n = close.length;
        DoubleColumn c = DoubleColumn.allocate("Close", n);
        DoubleColumn o = DoubleColumn.allocate("Open", n);
        DoubleColumn h = DoubleColumn.allocate("High", n);
        DoubleColumn l = DoubleColumn.allocate("Low", n);
        for (int t = 0; t < n; t++) {
            double open = t == 0 ? close[0] : close[t - 1];
            c.set(t, close[t]);
            o.set(t, open);
            h.set(t, Math.max(open, close[t]));
            l.set(t, Math.min(open, close[t]));
        }
        return MarketData.ofSingleAsset(source, "synthetic", null, TimeFormat.ROW_INDEX, c, o, h, l, null);
    }

    private static void requireBars(int bars) {
        if (bars < 2) {
            throw new UserInputException("a synthetic series needs at least 2 bars, got " + bars);
        }
    }
}

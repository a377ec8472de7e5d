package io.rltrader.data;

/**
 * Causal technical indicators, written into preallocated columns: the value at bar t uses only
 * bars 0..t, and bars before the first complete window are NaN. Definitions follow TTR (R) and are
 * tested against its output on the ttrc series to 1e-9 relative:
 * <ul>
 *   <li>SMA: mean of the last n values.</li>
 *   <li>EMA: k = 2/(n+1), seeded at bar n-1 with the SMA of the first n values.</li>
 *   <li>Wilder smoothing (RSI, ATR): ratio 1/n, seeded with the mean of the first n inputs.</li>
 *   <li>RSI: up = max(dC,0), dn = max(-dC,0) from the second bar; 100*up/(up+dn).</li>
 *   <li>ATR: true range max(H-L, |H-Cprev|, |L-Cprev|) from the second bar, Wilder-smoothed.</li>
 *   <li>Rolling sd: sample standard deviation (n-1) of the last n values.</li>
 *   <li>Bollinger %B: SMA n and bands at +-k population standard deviations.</li>
 *   <li>MACD (percent): 100*(EMA fast / EMA slow - 1); signal = EMA of MACD.</li>
 * </ul>
 * Every method allocates nothing: outputs are caller-owned columns of the input's length.
 */
public final class Indicators {
    private Indicators() {
    }

    /** Simple moving average over {@code n} bars. */
    public static void sma(DoubleColumn in, int n, DoubleColumn out) {
        check(in, out, n);
        int len = in.length();
        for (int t = 0; t < len; t++) {
            if (t < n - 1) {
                out.set(t, Double.NaN);
                continue;
            }
            double sum = 0;
            for (int i = t - n + 1; i <= t; i++) {
                sum += in.get(i);
            }
            out.set(t, sum / n);
        }
    }

    /** Exponential moving average, k = 2/(n+1), seeded with the SMA of the first n values. */
    public static void ema(DoubleColumn in, int n, DoubleColumn out) {
        check(in, out, n);
        emaFrom(in, 0, n, 2.0 / (n + 1), out);
    }

    /**
     * EMA with ratio {@code k} over the values of {@code in} from bar {@code first} (earlier bars are
     * NaN in {@code in}); the seed is the mean of bars first..first+n-1.
     */
    private static void emaFrom(DoubleColumn in, int first, int n, double k, DoubleColumn out) {
        int len = in.length();
        int seedBar = first + n - 1;
        for (int t = 0; t < Math.min(seedBar, len); t++) {
            out.set(t, Double.NaN);
        }
        if (seedBar >= len) {
            return;
        }
        double sum = 0;
        for (int i = first; i <= seedBar; i++) {
            sum += in.get(i);
        }
        double e = sum / n;
        out.set(seedBar, e);
        for (int t = seedBar + 1; t < len; t++) {
            e = k * in.get(t) + (1 - k) * e;
            out.set(t, e);
        }
    }

    /** Relative strength index with Wilder smoothing over {@code n} bars, in [0, 100]. */
    public static void rsi(DoubleColumn close, int n, DoubleColumn out) {
        check(close, out, n);
        int len = close.length();
        out.set(0, Double.NaN);
        double up = 0;
        double dn = 0;
        for (int t = 1; t < len; t++) {
            double d = close.get(t) - close.get(t - 1);
            double u = Math.max(d, 0);
            double w = Math.max(-d, 0);
            if (t < n) {
                up += u;
                dn += w;
                out.set(t, Double.NaN);
            } else if (t == n) {
                up = (up + u) / n;
                dn = (dn + w) / n;
                out.set(t, 100 * up / (up + dn));
            } else {
                up = up + (u - up) / n;
                dn = dn + (w - dn) / n;
                out.set(t, 100 * up / (up + dn));
            }
        }
    }

    /** Average true range with Wilder smoothing over {@code n} bars. */
    public static void atr(DoubleColumn high, DoubleColumn low, DoubleColumn close, int n, DoubleColumn out) {
        check(close, out, n);
        check(high, out, n);
        check(low, out, n);
        int len = close.length();
        out.set(0, Double.NaN);
        double atr = 0;
        for (int t = 1; t < len; t++) {
            double prev = close.get(t - 1);
            double h = high.get(t);
            double l = low.get(t);
            double tr = Math.max(h - l, Math.max(Math.abs(h - prev), Math.abs(l - prev)));
            if (t < n) {
                atr += tr;
                out.set(t, Double.NaN);
            } else if (t == n) {
                atr = (atr + tr) / n;
                out.set(t, atr);
            } else {
                atr = atr + (tr - atr) / n;
                out.set(t, atr);
            }
        }
    }

    /** One-bar log return log(C[t]/C[t-1]); NaN at bar 0. */
    public static void logReturn(DoubleColumn close, DoubleColumn out) {
        check(close, out, 1);
        out.set(0, Double.NaN);
        for (int t = 1; t < close.length(); t++) {
            out.set(t, Math.log(close.get(t) / close.get(t - 1)));
        }
    }

    /** Sample standard deviation (divisor n-1) of the last {@code n} values. */
    public static void rollingStd(DoubleColumn in, int n, DoubleColumn out) {
        check(in, out, n);
        if (n < 2) {
            throw new IllegalArgumentException("rolling standard deviation needs a window of at least 2, got " + n);
        }
        for (int t = 0; t < in.length(); t++) {
            out.set(t, t < n - 1 ? Double.NaN : Math.sqrt(windowSquaredDeviation(in, t, n) / (n - 1)));
        }
    }

    /** Bollinger %B: (C - lower)/(upper - lower) with SMA n and bands at +-k population sd. */
    public static void bollingerPercentB(DoubleColumn close, int n, double k, DoubleColumn out) {
        check(close, out, n);
        for (int t = 0; t < close.length(); t++) {
            if (t < n - 1) {
                out.set(t, Double.NaN);
                continue;
            }
            double mean = windowMean(close, t, n);
            double sd = Math.sqrt(windowSquaredDeviation(close, t, n) / n);
            double lower = mean - k * sd;
            double upper = mean + k * sd;
            out.set(t, (close.get(t) - lower) / (upper - lower));
        }
    }

    /**
     * MACD in percent form, 100*(EMA fast/EMA slow - 1), and its signal line (EMA of MACD seeded
     * with the mean of its first {@code signal} values). {@code scratch} must have the input's length.
     */
    public static void macdPercent(DoubleColumn close, int fast, int slow, int signal,
                                   DoubleColumn macdOut, DoubleColumn signalOut, DoubleColumn scratch) {
        check(close, macdOut, slow);
        check(close, signalOut, signal);
        check(close, scratch, fast);
        ema(close, fast, scratch);
        ema(close, slow, macdOut);
        for (int t = 0; t < close.length(); t++) {
            macdOut.set(t, 100 * (scratch.get(t) / macdOut.get(t) - 1));
        }
        emaFrom(macdOut, Math.max(fast, slow) - 1, signal, 2.0 / (signal + 1), signalOut);
    }

    static double windowMean(DoubleColumn in, int t, int n) {
        double sum = 0;
        for (int i = t - n + 1; i <= t; i++) {
            sum += in.get(i);
        }
        return sum / n;
    }

    static double windowSquaredDeviation(DoubleColumn in, int t, int n) {
        double mean = windowMean(in, t, n);
        double ss = 0;
        for (int i = t - n + 1; i <= t; i++) {
            double d = in.get(i) - mean;
            ss += d * d;
        }
        return ss;
    }

    private static void check(DoubleColumn in, DoubleColumn out, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("indicator window must be >= 1, got " + n);
        }
        if (out.length() != in.length()) {
            throw new IllegalArgumentException("output column has " + out.length() + " rows, input " + in.length());
        }
        if (in.length() == 0) {
            throw new IllegalArgumentException("indicator input is empty");
        }
    }
}

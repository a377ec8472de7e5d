package io.rltrader.data;

import io.rltrader.util.OffHeap;
import io.rltrader.util.UserInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Features of one asset as a float32 matrix in off-heap memory, row-major [rows x features], so an
 * observation window of W bars is one contiguous block of W*features floats that environments copy
 * (or tensors read) directly. Row t depends on bars 0..t only; rows before {@link #firstValidRow()}
 * (indicator and normalization warm-up) are NaN.
 *
 * <p>Feature names ({@link #build}): {@code logret} (1-bar log return), {@code logret:N} (N-bar log
 * return), {@code rsi:N} (RSI/100), {@code macd} (percent MACD 12/26), {@code macdsignal},
 * {@code macdhist} (MACD minus signal), {@code bbpctb:N} (Bollinger %B, 2 sd), {@code sd:N}
 * (rolling sd of 1-bar log returns), {@code sma:N} and {@code ema:N} (close / average - 1),
 * {@code atr:N} (ATR / close; needs High and Low).
 *
 * <p>Every value an observation can show is finite, or the build fails at the bar where the first
 * one that is not arises, with a one-line {@link UserInputException} naming the feature, the row,
 * its time and the value: each feature is checked from the end of its own warm-up (so a stretch of
 * unchanged prices that leaves RSI or Bollinger %B at 0/0 is an error there, not a silently longer
 * warm-up), each normalized value, and each value's conversion to float32.
 */
public final class FeatureMatrix {
    /** The default 8 features: use only the traded price, so they work for wide files too. */
    public static final List<String> DEFAULT_FEATURES =
        List.of("logret", "logret:5", "rsi:14", "macd", "macdhist", "bbpctb:20", "sd:20", "sma:50");
    private static final int MACD_FAST = 12;
    private static final int MACD_SLOW = 26;
    private static final int MACD_SIGNAL = 9;

    private final List<String> names;
    private final int rows;
    private final int width;
    private final int firstValidRow;
    private final UnsafeBuffer buffer;

    private FeatureMatrix(List<String> names, int rows, int firstValidRow, UnsafeBuffer buffer) {
        this.names = List.copyOf(names);
        this.rows = rows;
        this.width = names.size();
        this.firstValidRow = firstValidRow;
        this.buffer = buffer;
    }

    /** The default features of asset 0, rolling z-score over 252 bars. */
    public static FeatureMatrix defaults(MarketData data) {
        return build(data, data.asset(0), DEFAULT_FEATURES, Normalization.rolling(252));
    }

    public static FeatureMatrix build(MarketData data, MarketData.Asset asset, List<String> features,
                                      Normalization normalization) {
        if (features.isEmpty()) {
            throw new UserInputException("--features: at least one feature is needed");
        }
        int rows = data.rows();
        List<DoubleColumn> columns = new ArrayList<>();
        int firstValid = 0;
        for (String spec : features) {
            Computed computed = compute(data, asset, spec);
            requireFinite(data, asset, spec, computed);
            firstValid = Math.max(firstValid, Math.min(computed.warmUp(), rows));
            columns.add(computed.values());
        }
        for (int f = 0; f < columns.size(); f++) {
            normalizeInPlace(data, columns.get(f), features.get(f), normalization);
        }
        firstValid += normalization.warmUp();
        if (firstValid >= rows) {
            throw new UserInputException(data.source() + ": " + rows + " rows are too few for features "
                + features + " with normalization " + normalization + " (the first complete row would be "
                + firstValid + ")");
        }
        UnsafeBuffer buffer = OffHeap.allocate((long) rows * columns.size() * Float.BYTES);
        int width = columns.size();
        for (int t = 0; t < rows; t++) {
            for (int f = 0; f < width; f++) {
                double v = t < firstValid ? Double.NaN : columns.get(f).get(t);
                float single = (float) v;
                if (t >= firstValid && !Float.isFinite(single)) {
                    throw new UserInputException(data.source() + ": feature " + features.get(f) + " is " + v
                        + " at row " + t + " (" + data.formatTime(t) + "), beyond float32 (magnitude at most "
                        + Float.MAX_VALUE + "); check the prices around that bar or normalize the feature");
                }
                buffer.putFloat((t * width + f) << 2, single);
            }
        }
        return new FeatureMatrix(features, rows, firstValid, buffer);
    }

    /** A feature's raw values and its warm-up: the first row at which it is defined. */
    private record Computed(DoubleColumn values, int warmUp, int window) {
    }

    /**
     * Each raw value from the feature's warm-up on must be finite; the first that is not fails the
     * build at its row, with the prices it was computed from.
     */
    private static void requireFinite(MarketData data, MarketData.Asset asset, String spec, Computed computed) {
        DoubleColumn values = computed.values();
        for (int t = computed.warmUp(); t < values.length(); t++) {
            double v = values.get(t);
            if (Double.isFinite(v)) {
                continue;
            }
            DoubleColumn close = asset.price();
            int from = Math.max(0, t - computed.window());
            double low = Double.POSITIVE_INFINITY;
            double high = Double.NEGATIVE_INFINITY;
            for (int i = from; i <= t; i++) {
                low = Math.min(low, close.get(i));
                high = Math.max(high, close.get(i));
            }
            String name = spec.trim().toLowerCase(Locale.ROOT);
            String why;
            if (low == high && (name.startsWith("rsi") || name.startsWith("bbpctb"))) {
                why = "the close is " + low + " in every row " + from + ".." + t + ", so "
                    + (name.startsWith("rsi") ? "RSI (up / (up + down))" : "Bollinger %B (band width 0)")
                    + " is 0/0; use other features or data without the flat stretch";
            } else {
                why = "computed from closes " + low + ".." + high + " in rows " + from + ".." + t
                    + ", which are beyond what the indicator can compute in double precision; check those prices";
            }
            throw new UserInputException(data.source() + ": feature " + spec + " is " + v + " at row " + t + " ("
                + data.formatTime(t) + "): " + why);
        }
    }

    private static Computed compute(MarketData data, MarketData.Asset asset, String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        String name = s;
        int n = -1;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            name = s.substring(0, colon);
            try {
                n = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new UserInputException("feature '" + spec + "': expected NAME:N with an integer N");
            }
            if (n < 1) {
                throw new UserInputException("feature '" + spec + "': window must be >= 1");
            }
        }
        DoubleColumn close = asset.price();
        int rows = close.length();
        DoubleColumn out = DoubleColumn.allocate(spec, rows);
        switch (name) {
            case "logret": {
                int lag = n < 0 ? 1 : n;
                for (int t = 0; t < rows; t++) {
                    out.set(t, t < lag ? Double.NaN : Math.log(close.get(t) / close.get(t - lag)));
                }
                return new Computed(out, lag, lag);
            }
            case "rsi": {
                int window = n < 0 ? 14 : n;
                Indicators.rsi(close, window, out);
                scaleInPlace(out, 0.01);
                return new Computed(out, window, window);
            }
            case "macd":
            case "macdsignal":
            case "macdhist": {
                DoubleColumn signal = DoubleColumn.allocate("signal", rows);
                Indicators.macdPercent(close, MACD_FAST, MACD_SLOW, MACD_SIGNAL, out, signal,
                    DoubleColumn.allocate("scratch", rows));
                int macdWarmUp = MACD_SLOW - 1;
                int signalWarmUp = macdWarmUp + MACD_SIGNAL - 1;
                if (name.equals("macdsignal")) {
                    return new Computed(signal, signalWarmUp, signalWarmUp);
                }
                if (name.equals("macdhist")) {
                    for (int t = 0; t < rows; t++) {
                        out.set(t, out.get(t) - signal.get(t));
                    }
                    return new Computed(out, signalWarmUp, signalWarmUp);
                }
                return new Computed(out, macdWarmUp, macdWarmUp);
            }
            case "bbpctb": {
                int window = n < 0 ? 20 : n;
                Indicators.bollingerPercentB(close, window, 2.0, out);
                return new Computed(out, window - 1, window - 1);
            }
            case "sd": {
                int window = n < 0 ? 20 : n;
                if (window < 2) {
                    throw new UserInputException("feature '" + spec + "': the standard deviation needs a window of"
                        + " at least 2");
                }
                DoubleColumn returns = DoubleColumn.allocate("logret", rows);
                Indicators.logReturn(close, returns);
                // the rolling sd of returns starts one bar later (returns start at bar 1)
                DoubleColumn tail = returns.slice(1, rows);
                DoubleColumn sd = DoubleColumn.allocate("sd", rows - 1);
                Indicators.rollingStd(tail, window, sd);
                out.set(0, Double.NaN);
                for (int t = 1; t < rows; t++) {
                    out.set(t, sd.get(t - 1));
                }
                return new Computed(out, window, window);
            }
            case "sma":
            case "ema": {
                int window = n < 0 ? 20 : n;
                if (name.equals("sma")) {
                    Indicators.sma(close, window, out);
                } else {
                    Indicators.ema(close, window, out);
                }
                for (int t = 0; t < rows; t++) {
                    out.set(t, close.get(t) / out.get(t) - 1);
                }
                return new Computed(out, window - 1, window - 1);
            }
            case "atr": {
                if (!asset.hasHighLow()) {
                    throw new UserInputException("feature '" + spec + "' needs High and Low columns, which "
                        + data.source() + " does not have for asset " + asset.name());
                }
                int window = n < 0 ? 14 : n;
                Indicators.atr(asset.high(), asset.low(), close, window, out);
                for (int t = 0; t < rows; t++) {
                    out.set(t, out.get(t) / close.get(t));
                }
                return new Computed(out, window, window);
            }
            default:
                throw new UserInputException("unknown feature '" + spec + "' (expected logret[:N], rsi:N, macd,"
                    + " macdsignal, macdhist, bbpctb:N, sd:N, sma:N, ema:N, atr:N)");
        }
    }

    private static void scaleInPlace(DoubleColumn column, double factor) {
        for (int t = 0; t < column.length(); t++) {
            column.set(t, column.get(t) * factor);
        }
    }

    static void normalizeInPlace(MarketData data, DoubleColumn column, String feature, Normalization norm) {
        int rows = column.length();
        int first = 0;
        while (first < rows && Double.isNaN(column.get(first))) {
            first++;
        }
        switch (norm.kind()) {
            case NONE:
                return;
            case ROLLING_ZSCORE: {
                int w = norm.window();
                double[] z = new double[rows];
                for (int t = 0; t < rows; t++) {
                    if (t < first + w - 1) {
                        z[t] = Double.NaN;
                        continue;
                    }
                    double mean = Indicators.windowMean(column, t, w);
                    double sd = Math.sqrt(Indicators.windowSquaredDeviation(column, t, w) / (w - 1));
                    z[t] = standardize(data, feature, t, column.get(t), mean, sd);
                }
                for (int t = 0; t < rows; t++) {
                    column.set(t, z[t]);
                }
                return;
            }
            case EXPANDING_ZSCORE: {
                // Welford's running mean and variance; bar t is standardized with bars first..t.
                double mean = 0;
                double m2 = 0;
                for (int t = 0; t < rows; t++) {
                    double x = column.get(t);
                    if (t < first) {
                        continue;
                    }
                    int count = t - first + 1;
                    double delta = x - mean;
                    mean += delta / count;
                    m2 += delta * (x - mean);
                    column.set(t, count < 2 ? Double.NaN
                        : standardize(data, feature, t, x, mean, Math.sqrt(m2 / (count - 1))));
                }
                return;
            }
            case FITTED_ZSCORE: {
                RowRange fit = norm.fitRange();
                if (fit.end() > rows) {
                    throw new UserInputException("normalization fit range " + fit + " exceeds the " + rows + " rows");
                }
                int start = Math.max(fit.start(), first);
                if (fit.end() - start < 2) {
                    throw new UserInputException("feature " + feature + ": fit range " + fit
                        + " has fewer than 2 rows after the warm-up (first value at row " + first + ")");
                }
                double mean = 0;
                for (int t = start; t < fit.end(); t++) {
                    mean += column.get(t);
                }
                mean /= fit.end() - start;
                double ss = 0;
                for (int t = start; t < fit.end(); t++) {
                    double d = column.get(t) - mean;
                    ss += d * d;
                }
                double sd = Math.sqrt(ss / (fit.end() - start - 1));
                for (int t = first; t < rows; t++) {
                    column.set(t, standardize(data, feature, t, column.get(t), mean, sd));
                }
                return;
            }
            default:
                throw new IllegalStateException(norm.kind().toString());
        }
    }

    private static double standardize(MarketData data, String feature, int row, double x, double mean, double sd) {
        if (!(sd > 0)) {
            throw new UserInputException(data.source() + ": feature " + feature + " has zero variance in the"
                + " normalization window ending at row " + row + " (" + data.formatTime(row)
                + "); the prices are constant there, so a z-score is undefined");
        }
        double z = (x - mean) / sd;
        if (!Double.isFinite(z)) {
            throw new UserInputException(data.source() + ": feature " + feature + ": the z-score at row " + row + " ("
                + data.formatTime(row) + ") is " + z + " (value " + x + ", mean " + mean + ", sd " + sd
                + "); the feature's values there are beyond double precision; check the prices around that bar");
        }
        return z;
    }

    public List<String> names() {
        return names;
    }

    public int rows() {
        return rows;
    }

    /** Features per row. */
    public int width() {
        return width;
    }

    /** The first row whose features are all defined. */
    public int firstValidRow() {
        return firstValidRow;
    }

    public float get(int row, int feature) {
        return buffer.getFloat((row * width + feature) << 2);
    }

    /** Off-heap float32 memory, row-major: row t starts at byte {@code 4 * t * width()}. */
    public UnsafeBuffer buffer() {
        return buffer;
    }
}

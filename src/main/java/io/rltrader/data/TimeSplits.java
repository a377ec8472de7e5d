package io.rltrader.data;

import io.rltrader.util.UserInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Chronological splits of a series: train, validation and test ranges that follow each other in
 * time (never shuffled), and walk-forward windows. Anything fitted on a train range (normalization
 * statistics, agents) sees only rows of that range: see {@link Normalization#fitted(RowRange)}.
 */
public final class TimeSplits {
    /** Consecutive train, validation (possibly empty) and test ranges. */
    public record Split(RowRange train, RowRange validation, RowRange test) {
    }

    /** A walk-forward window: fit on {@code train}, evaluate on the {@code test} rows right after it. */
    public record Window(int index, RowRange train, RowRange test) {
    }

    private TimeSplits() {
    }

    /** Splits {@code rows} by fractions; the test range gets the rest. */
    public static Split byFraction(int rows, double trainFraction, double validationFraction) {
        if (!(trainFraction > 0) || !(validationFraction >= 0) || trainFraction + validationFraction >= 1) {
            throw new UserInputException("split fractions train=" + trainFraction + ", validation="
                + validationFraction + ": expected train > 0, validation >= 0 and train + validation < 1");
        }
        int trainEnd = (int) Math.floor(rows * trainFraction);
        int validationEnd = (int) Math.floor(rows * (trainFraction + validationFraction));
        if (trainEnd < 1 || validationEnd >= rows) {
            throw new UserInputException(rows + " rows are too few for split fractions " + trainFraction + "/"
                + validationFraction + " (every part needs rows)");
        }
        return new Split(new RowRange(0, trainEnd), new RowRange(trainEnd, validationEnd), new RowRange(validationEnd, rows));
    }

    /**
     * Splits by time: validation starts at the first row at or after {@code validationStart}, test at
     * the first row at or after {@code testStart} (stored time units of {@link MarketData#time}).
     */
    public static Split byTime(MarketData data, long validationStart, long testStart) {
        if (testStart < validationStart) {
            throw new UserInputException("test start is before validation start");
        }
        int v = firstRowAtOrAfter(data, validationStart);
        int t = firstRowAtOrAfter(data, testStart);
        if (v < 1 || t >= data.rows()) {
            throw new UserInputException(data.source() + ": split times leave an empty train or test range (data runs "
                + data.formatTime(0) + " .. " + data.formatTime(data.rows() - 1) + ")");
        }
        return new Split(new RowRange(0, v), new RowRange(v, t), new RowRange(t, data.rows()));
    }

    /** Walk-forward windows: train on {@code trainBars}, test on the next {@code testBars}, advance by {@code step}. */
    public static List<Window> walkForward(int rows, int trainBars, int testBars, int step) {
        if (trainBars < 1 || testBars < 1 || step < 1) {
            throw new UserInputException("walk-forward spans must be >= 1 (train " + trainBars + ", test " + testBars
                + ", step " + step + ")");
        }
        if (trainBars + testBars > rows) {
            throw new UserInputException("walk-forward: train " + trainBars + " + test " + testBars
                + " bars exceed the " + rows + " rows of the data");
        }
        List<Window> windows = new ArrayList<>();
        for (int start = 0; start + trainBars + testBars <= rows; start += step) {
            windows.add(new Window(windows.size(), new RowRange(start, start + trainBars),
                new RowRange(start + trainBars, start + trainBars + testBars)));
        }
        return windows;
    }

    private static int firstRowAtOrAfter(MarketData data, long time) {
        int lo = 0;
        int hi = data.rows();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (data.time(mid) < time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}

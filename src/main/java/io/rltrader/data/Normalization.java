package io.rltrader.data;

import io.rltrader.util.UserInputException;
import java.util.Locale;

/**
 * How feature columns are standardized, always causally: the value at bar t uses statistics of
 * bars up to t only ({@link #rolling}, {@link #expanding}), or statistics fitted on a training range
 * that ends before the bars they are applied to ({@link #fitted}).
 */
public record Normalization(Kind kind, int window, RowRange fitRange) {
    public enum Kind { NONE, ROLLING_ZSCORE, EXPANDING_ZSCORE, FITTED_ZSCORE }

    public Normalization {
        if (kind == Kind.ROLLING_ZSCORE && window < 2) {
            throw new UserInputException("rolling z-score window must be at least 2, got " + window);
        }
        if (kind == Kind.FITTED_ZSCORE && (fitRange == null || fitRange.length() < 2)) {
            throw new UserInputException("fitted z-score needs a fit range of at least 2 rows");
        }
    }

    public static Normalization none() {
        return new Normalization(Kind.NONE, 0, null);
    }

    /** z-score against the mean and sd of the last {@code window} values (including bar t). */
    public static Normalization rolling(int window) {
        return new Normalization(Kind.ROLLING_ZSCORE, window, null);
    }

    /** z-score against the mean and sd of all values from the first valid bar up to bar t. */
    public static Normalization expanding() {
        return new Normalization(Kind.EXPANDING_ZSCORE, 0, null);
    }

    /** z-score with mean and sd fitted on {@code range} only (for example the training split). */
    public static Normalization fitted(RowRange range) {
        return new Normalization(Kind.FITTED_ZSCORE, 0, range);
    }

    /** Parses {@code none}, {@code rolling:N}, {@code expanding}. */
    public static Normalization parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("none")) {
            return none();
        }
        if (s.equals("expanding")) {
            return expanding();
        }
        if (s.startsWith("rolling:")) {
            try {
                return rolling(Integer.parseInt(s.substring(8)));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new UserInputException("normalization '" + spec + "': expected none, expanding or rolling:N");
    }

    /** Bars of warm-up this normalization adds after a feature's first value. */
    int warmUp() {
        return kind == Kind.ROLLING_ZSCORE ? window - 1 : kind == Kind.EXPANDING_ZSCORE ? 1 : 0;
    }

    @Override
    public String toString() {
        switch (kind) {
            case ROLLING_ZSCORE: return "rolling:" + window;
            case EXPANDING_ZSCORE: return "expanding";
            case FITTED_ZSCORE: return "fitted" + fitRange;
            default: return "none";
        }
    }
}

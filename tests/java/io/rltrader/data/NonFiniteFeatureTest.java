package io.rltrader.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every path by which a feature could become infinite or NaN fails the build at the bar where it
 * arises, with a one-line error naming the feature, the row, its time and the value; the paths
 * that cannot produce one are shown not to on every bundled and synthetic series.
 */
class NonFiniteFeatureTest {
    private static final List<String> ALL_FEATURES = List.of("logret", "logret:5", "rsi:14", "macd", "macdsignal",
        "macdhist", "bbpctb:20", "sd:20", "sma:50", "ema:20", "atr:14");
    private static final long DAY_MS = 86_400_000L;

    /** Closes of a seeded random walk, with dates from 2020-01-01 as times. */
    private static double[] walk(int rows, long seed) {
        Rng rng = new Rng(seed);
        double[] closes = new double[rows];
        double price = 100;
        for (int t = 0; t < rows; t++) {
            price *= Math.exp(0.01 * rng.nextGaussian());
            closes[t] = price;
        }
        return closes;
    }

    private static MarketData dated(double[] closes) {
        long[] times = new long[closes.length];
        for (int t = 0; t < times.length; t++) {
            times[t] = (18_262 + t) * DAY_MS;   // 2020-01-01 + t days
        }
        return MarketData.ofPrices("prices.csv", times, TimeFormat.DATE, List.of(DoubleColumn.of("Close", closes)));
    }

    private static String error(MarketData data, String feature, Normalization normalization) {
        UserInputException e = assertThrows(UserInputException.class,
            () -> FeatureMatrix.build(data, data.asset(0), List.of(feature), normalization));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aLogReturnOverAPriceRatioBeyondTheDoubleRangeFailsAtItsBar() {
        double[] closes = walk(80, 1);
        closes[39] = 1e-300;
        closes[40] = 1e300;   // 1e300 / 1e-300 overflows: log return +Infinity at row 40
        for (Normalization normalization : new Normalization[] {Normalization.none(), Normalization.rolling(10),
            Normalization.expanding(), Normalization.fitted(new RowRange(0, 60))}) {
            String message = error(dated(closes), "logret", normalization);
            assertEquals("prices.csv: feature logret is Infinity at row 40 (2020-02-10): computed from closes"
                + " 1.0E-300..1.0E300 in rows 39..40, which are beyond what the indicator can compute in double"
                + " precision; check those prices", message, normalization.toString());
        }
    }

    @Test
    void anRsiOverAStretchOfUnchangedPricesIsZeroOverZeroAndFailsAtItsBar() {
        double[] closes = walk(100, 2);
        for (int t = 0; t <= 14; t++) {
            closes[t] = 25.5;   // no move in the first 15 closes: RSI at row 14 is 0/0
        }
        assertEquals("prices.csv: feature rsi:14 is NaN at row 14 (2020-01-15): the close is 25.5 in every row"
            + " 0..14, so RSI (up / (up + down)) is 0/0; use other features or data without the flat stretch",
            error(dated(closes), "rsi:14", Normalization.none()));
    }

    @Test
    void bollingerPercentBOverAFlatWindowFailsAtItsBarEvenWithoutNormalization() {
        double[] closes = walk(120, 3);
        for (int t = 60; t < 80; t++) {
            closes[t] = 42.0;   // 20 equal closes: band width 0 at row 79
        }
        assertEquals("prices.csv: feature bbpctb:20 is NaN at row 79 (2020-03-20): the close is 42.0 in every row"
            + " 60..79, so Bollinger %B (band width 0) is 0/0; use other features or data without the flat stretch",
            error(dated(closes), "bbpctb:20", Normalization.none()));
    }

    @Test
    void aFeatureBeyondFloat32IsRefusedInsteadOfBecomingInfinity() {
        // ATR / close with a true range of 1e5 over a close of 1e-35: about 7e38, finite as a double
        int rows = 40;
        double[] closes = walk(rows, 4);
        double[] highs = new double[rows];
        double[] lows = new double[rows];
        for (int t = 0; t < rows; t++) {
            highs[t] = closes[t] * 1.01;
            lows[t] = closes[t] * 0.99;
        }
        closes[30] = 1e-35;
        lows[30] = 1e-35;
        highs[30] = 1e5;
        MarketData data = MarketData.ofSingleAsset("bars.csv", "X", null, TimeFormat.ROW_INDEX,
            DoubleColumn.of("Close", closes), null, DoubleColumn.of("High", highs), DoubleColumn.of("Low", lows), null);
        String message = error(data, "atr:14", Normalization.none());
        assertTrue(message.startsWith("bars.csv: feature atr:14 is 7.14"), message);
        assertTrue(message.endsWith("E38 at row 30 (30), beyond float32 (magnitude at most 3.4028235E38); check"
            + " the prices around that bar or normalize the feature"), message);
    }

    @Test
    void aStandardDeviationOverOneReturnIsAUserErrorNotACrash() {
        assertEquals("feature 'sd:1': the standard deviation needs a window of at least 2",
            error(dated(walk(50, 5)), "sd:1", Normalization.none()));
    }

    @Test
    void syntheticSeriesThatUnderflowOrGoNaNFailAtTheBarWhereThePriceDoes() {
        // volatility 500 a year: the drift -sigma^2/2 dt is about -496 per bar, so the price underflows to 0
        UserInputException underflow = assertThrows(UserInputException.class,
            () -> SyntheticSeries.gbm(50, 1, 100, 0, 500));
        assertTrue(underflow.getMessage().matches("synthetic:gbm\\(seed=1\\): row [1-9][0-9]*: column Close: price"
            + " 0\\.0 \\(expected a finite number > 0\\)"), underflow.getMessage());
        UserInputException nan = assertThrows(UserInputException.class,
            () -> SyntheticSeries.gbm(50, 1, 100, Double.NaN, 0.2));
        assertEquals("synthetic:gbm(seed=1): row 1: column Close: price NaN (expected a finite number > 0)",
            nan.getMessage());
    }

    /**
     * The rolling z-score of any finite window is bounded by (w - 1) / sqrt(w) (sample sd), so it can
     * neither overflow nor leave float32; the expanding one likewise by its count.
     */
    @Test
    void rollingZScoresStayWithinTheirBoundEvenForExtremeFeatureValues() {
        Rng rng = new Rng(6);
        int rows = 400;
        int window = 20;
        double[] values = new double[rows];
        for (int t = 0; t < rows; t++) {
            values[t] = Math.pow(10, 150 * (rng.nextDouble() - 0.5)) * (rng.nextDouble() < 0.5 ? -1 : 1);
        }
        DoubleColumn column = DoubleColumn.of("extreme", values);
        FeatureMatrix.normalizeInPlace(dated(walk(rows, 7)), column, "extreme", Normalization.rolling(window));
        double bound = (window - 1) / Math.sqrt(window);
        for (int t = window - 1; t < rows; t++) {
            assertTrue(Math.abs(column.get(t)) <= bound * (1 + 1e-12), "row " + t + ": " + column.get(t));
        }
    }

    /** The common path: every feature of every bundled and synthetic series is finite after warm-up. */
    @Test
    void everyFeatureOfTheBundledAndSyntheticSeriesIsFinite() {
        List<MarketData> series = new java.util.ArrayList<>(List.of(TestData.ttrc(), TestData.euStocks()));
        for (SyntheticSeries.Kind kind : SyntheticSeries.Kind.values()) {
            series.add(SyntheticSeries.generate(kind, 3000, 11));
        }
        for (MarketData data : series) {
            for (MarketData.Asset asset : data.assets()) {
                List<String> features = asset.hasHighLow() ? ALL_FEATURES : ALL_FEATURES.subList(0, 10);
                for (Normalization normalization : new Normalization[] {Normalization.none(),
                    Normalization.rolling(252), Normalization.expanding()}) {
                    FeatureMatrix matrix = FeatureMatrix.build(data, asset, features, normalization);
                    for (int t = matrix.firstValidRow(); t < matrix.rows(); t++) {
                        for (int f = 0; f < matrix.width(); f++) {
                            assertTrue(Float.isFinite(matrix.get(t, f)), data.source() + " " + asset.name() + " "
                                + features.get(f) + " " + normalization + " row " + t);
                        }
                    }
                }
            }
        }
    }
}

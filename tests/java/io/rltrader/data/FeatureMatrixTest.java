package io.rltrader.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.UserInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureMatrixTest {

    @Test
    void defaultFeaturesAreFiniteFromTheFirstValidRowAndNanBefore() {
        MarketData ttrc = TestData.ttrc();
        FeatureMatrix m = FeatureMatrix.defaults(ttrc);
        assertEquals(8, m.width());
        // sma:50 is the longest warm-up (49 bars), then 251 bars of rolling z-score warm-up
        assertEquals(49 + 251, m.firstValidRow());
        for (int t = 0; t < m.rows(); t++) {
            for (int f = 0; f < m.width(); f++) {
                assertEquals(t >= m.firstValidRow(), Float.isFinite(m.get(t, f)), "row " + t + " feature " + f);
            }
        }
    }

    @Test
    void rollingZScoreMatchesASlowReference() {
        MarketData ttrc = TestData.ttrc();
        int w = 30;
        FeatureMatrix raw = FeatureMatrix.build(ttrc, ttrc.asset(0), List.of("logret"), Normalization.none());
        FeatureMatrix z = FeatureMatrix.build(ttrc, ttrc.asset(0), List.of("logret"), Normalization.rolling(w));
        double[] close = ttrc.asset(0).price().toArray();
        for (int t = z.firstValidRow(); t < ttrc.rows(); t += 97) {
            double mean = 0;
            for (int i = t - w + 1; i <= t; i++) {
                mean += Math.log(close[i] / close[i - 1]);
            }
            mean /= w;
            double ss = 0;
            for (int i = t - w + 1; i <= t; i++) {
                double d = Math.log(close[i] / close[i - 1]) - mean;
                ss += d * d;
            }
            double expected = (Math.log(close[t] / close[t - 1]) - mean) / Math.sqrt(ss / (w - 1));
            assertEquals((float) expected, z.get(t, 0), 1e-5f * Math.max(1, Math.abs((float) expected)), "row " + t);
            assertEquals((float) Math.log(close[t] / close[t - 1]), raw.get(t, 0));
        }
        assertEquals(1 + w - 1, z.firstValidRow());
    }

    @Test
    void expandingZScoreUsesOnlyThePast() {
        MarketData d = SyntheticSeries.gbm(500, 3, 100, 0.1, 0.2);
        FeatureMatrix full = FeatureMatrix.build(d, d.asset(0), List.of("logret", "rsi:14"), Normalization.expanding());
        MarketData prefix = d.slice(0, 300);
        FeatureMatrix cut = FeatureMatrix.build(prefix, prefix.asset(0), List.of("logret", "rsi:14"), Normalization.expanding());
        for (int t = 0; t < 300; t++) {
            for (int f = 0; f < 2; f++) {
                assertEquals(Float.floatToRawIntBits(cut.get(t, f)), Float.floatToRawIntBits(full.get(t, f)), "row " + t);
            }
        }
    }

    @Test
    void everyFeatureIsCausal() {
        MarketData d = TestData.ttrc();
        List<String> all = List.of("logret", "logret:5", "rsi:14", "macd", "macdsignal", "macdhist", "bbpctb:20",
            "sd:20", "sma:50", "ema:10", "atr:14");
        FeatureMatrix full = FeatureMatrix.build(d, d.asset(0), all, Normalization.rolling(100));
        MarketData prefix = d.slice(0, 2000);
        FeatureMatrix cut = FeatureMatrix.build(prefix, prefix.asset(0), all, Normalization.rolling(100));
        for (int t = 0; t < 2000; t++) {
            for (int f = 0; f < all.size(); f++) {
                assertEquals(Float.floatToRawIntBits(cut.get(t, f)), Float.floatToRawIntBits(full.get(t, f)),
                    all.get(f) + " row " + t);
            }
        }
    }

    @Test
    void zeroVarianceWindowIsCaughtWithTheBarNamed() {
        double[] close = new double[200];
        for (int t = 0; t < close.length; t++) {
            close[t] = t < 100 ? 100 + Math.sin(t) : 100;
        }
        MarketData flat = SyntheticSeries.fromCloses("flat", close);
        UserInputException e = assertThrows(UserInputException.class,
            () -> FeatureMatrix.build(flat, flat.asset(0), List.of("logret"), Normalization.rolling(20)));
        assertTrue(e.getMessage().contains("zero variance") && e.getMessage().contains("row 120"), e.getMessage());
    }

    @Test
    void unknownFeatureAndAtrWithoutHighLowAreClearErrors() {
        MarketData eu = TestData.euStocks();
        assertTrue(assertThrows(UserInputException.class, () -> FeatureMatrix.build(eu, eu.asset(0),
            List.of("atr:14"), Normalization.none())).getMessage().contains("needs High and Low"));
        assertTrue(assertThrows(UserInputException.class, () -> FeatureMatrix.build(eu, eu.asset(0),
            List.of("momentum"), Normalization.none())).getMessage().contains("unknown feature 'momentum'"));
    }
}

package io.rltrader.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rltrader.util.UserInputException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeSplitsTest {

    @Test
    void fractionsGiveConsecutiveRanges() {
        TimeSplits.Split s = TimeSplits.byFraction(1000, 0.7, 0.15);
        assertEquals(new RowRange(0, 700), s.train());
        assertEquals(new RowRange(700, 850), s.validation());
        assertEquals(new RowRange(850, 1000), s.test());
        assertThrows(UserInputException.class, () -> TimeSplits.byFraction(1000, 0.9, 0.2));
        assertThrows(UserInputException.class, () -> TimeSplits.byFraction(2, 0.1, 0));
    }

    @Test
    void datesSplitAtTheFirstBarOnOrAfterTheDate() {
        MarketData ttrc = TestData.ttrc();
        long v = LocalDate.parse("2000-01-01").atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long t = LocalDate.parse("2003-01-01").atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        TimeSplits.Split s = TimeSplits.byTime(ttrc, v, t);
        assertEquals("2000-01-03", ttrc.formatTime(s.validation().start()));
        assertEquals("1999-12-31", ttrc.formatTime(s.train().end() - 1));
        assertEquals("2003-01-02", ttrc.formatTime(s.test().start()));
        assertEquals(ttrc.rows(), s.test().end());
    }

    @Test
    void walkForwardWindowsRollWithoutOverlapOfTestIntoTrain() {
        List<TimeSplits.Window> w = TimeSplits.walkForward(100, 50, 10, 10);
        assertEquals(5, w.size());
        assertEquals(new RowRange(40, 90), w.get(4).train());
        assertEquals(new RowRange(90, 100), w.get(4).test());
        for (TimeSplits.Window win : w) {
            assertEquals(win.train().end(), win.test().start());
        }
        assertThrows(UserInputException.class, () -> TimeSplits.walkForward(100, 95, 10, 1));
    }

    @Test
    void fittingOnTheTrainWindowSeesNoTestBar() {
        // Normalization fitted on the train range, features of train rows: bit-identical whatever the
        // test-window prices are.
        MarketData ttrc = TestData.ttrc();
        TimeSplits.Split split = TimeSplits.byFraction(ttrc.rows(), 0.6, 0.2);
        double[] close = ttrc.asset(0).price().toArray();
        double[] changed = close.clone();
        for (int t = split.validation().start(); t < changed.length; t++) {
            changed[t] = close[t] * (2 + Math.cos(t));
        }
        MarketData a = SyntheticSeries.fromCloses("orig", close);
        MarketData b = SyntheticSeries.fromCloses("changed", changed);
        Normalization fitted = Normalization.fitted(split.train());
        List<String> features = FeatureMatrix.DEFAULT_FEATURES;
        FeatureMatrix fa = FeatureMatrix.build(a, a.asset(0), features, fitted);
        FeatureMatrix fb = FeatureMatrix.build(b, b.asset(0), features, fitted);
        for (int t = 0; t < split.train().end(); t++) {
            for (int f = 0; f < fa.width(); f++) {
                assertEquals(Float.floatToRawIntBits(fa.get(t, f)), Float.floatToRawIntBits(fb.get(t, f)),
                    "train row " + t + " feature " + features.get(f));
            }
        }
        // ...and the test rows do differ, so the check above had something to find
        int differing = 0;
        for (int t = split.test().start(); t < ttrc.rows(); t++) {
            if (fa.get(t, 0) != fb.get(t, 0)) {
                differing++;
            }
        }
        assertEquals(true, differing > 100);
    }
}

package io.rltrader.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every indicator value, warm-up rows included, against TTR 0.24.3 on the ttrc series. */
class IndicatorsTest {
    private static final double RELATIVE_TOLERANCE = 1e-9;
    private static List<String> header;
    private static List<String[]> reference;
    private static MarketData ttrc;

    @BeforeAll
    static void load() throws IOException {
        List<String> lines = Files.readAllLines(TestData.path("ttrc_indicators_TTR.csv"));
        header = new ArrayList<>();
        for (String h : lines.get(0).split(",")) {
            header.add(h.replace("\"", ""));
        }
        reference = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            reference.add(line.split(","));
        }
        ttrc = TestData.ttrc();
        assertEquals(5550, ttrc.rows());
        assertEquals(reference.size(), ttrc.rows());
    }

    private static DoubleColumn out() {
        return DoubleColumn.allocate("out", ttrc.rows());
    }

    private static DoubleColumn close() {
        return ttrc.asset(0).price();
    }

    /** Compares every row; NA in the reference must be NaN here and the other way round. */
    private static void assertMatchesTtr(String column, DoubleColumn actual) {
        int col = header.indexOf(column);
        assertTrue(col >= 0, "reference has no column " + column);
        int compared = 0;
        for (int row = 0; row < reference.size(); row++) {
            String expectedText = reference.get(row)[col];
            double value = actual.get(row);
            if (expectedText.equals("NA")) {
                assertTrue(Double.isNaN(value), column + " row " + (row + 1) + ": expected NA (warm-up), got " + value);
                continue;
            }
            double expected = Double.parseDouble(expectedText);
            double scale = Math.max(Math.abs(expected), 1e-300);
            if (!(Math.abs(value - expected) <= RELATIVE_TOLERANCE * scale)) {
                fail(column + " row " + (row + 1) + ": expected " + expected + ", got " + value);
            }
            compared++;
        }
        assertTrue(compared > 5000, column + ": only " + compared + " values compared");
    }

    @Test
    void smaMatchesTtr() {
        DoubleColumn out = out();
        Indicators.sma(close(), 10, out);
        assertMatchesTtr("SMA10", out);
    }

    @Test
    void emaMatchesTtr() {
        DoubleColumn out = out();
        Indicators.ema(close(), 10, out);
        assertMatchesTtr("EMA10", out);
    }

    @Test
    void wilderRsiMatchesTtr() {
        DoubleColumn out = out();
        Indicators.rsi(close(), 14, out);
        assertMatchesTtr("RSI14", out);
    }

    @Test
    void atrMatchesTtr() {
        DoubleColumn out = out();
        MarketData.Asset a = ttrc.asset(0);
        Indicators.atr(a.high(), a.low(), a.price(), 14, out);
        assertMatchesTtr("ATR14", out);
    }

    @Test
    void logReturnMatchesTtrRoc() {
        DoubleColumn out = out();
        Indicators.logReturn(close(), out);
        assertMatchesTtr("ROC1", out);
    }

    @Test
    void rollingStdMatchesTtr() {
        DoubleColumn out = out();
        Indicators.rollingStd(close(), 20, out);
        assertMatchesTtr("runSD20", out);
    }

    @Test
    void bollingerPercentBMatchesTtr() {
        DoubleColumn out = out();
        Indicators.bollingerPercentB(close(), 20, 2.0, out);
        assertMatchesTtr("BBpctB", out);
    }

    @Test
    void macdPercentAndSignalMatchTtr() {
        DoubleColumn macd = out();
        DoubleColumn signal = out();
        Indicators.macdPercent(close(), 12, 26, 9, macd, signal, out());
        assertMatchesTtr("MACD", macd);
        assertMatchesTtr("MACDsignal", signal);
    }

    @Test
    void indicatorsAreCausal() {
        // Changing every bar after t leaves every indicator value up to t bit-identical.
        int cut = 3000;
        DoubleColumn original = close();
        DoubleColumn changed = DoubleColumn.allocate("changed", original.length());
        for (int i = 0; i < original.length(); i++) {
            changed.set(i, i <= cut ? original.get(i) : original.get(i) * (1.5 + Math.sin(i)));
        }
        DoubleColumn a = out();
        DoubleColumn b = out();
        DoubleColumn sa = out();
        DoubleColumn sb = out();
        Indicators.macdPercent(original, 12, 26, 9, a, sa, out());
        Indicators.macdPercent(changed, 12, 26, 9, b, sb, out());
        for (int t = 0; t <= cut; t++) {
            assertEquals(Double.doubleToRawLongBits(a.get(t)), Double.doubleToRawLongBits(b.get(t)), "MACD bar " + t);
            assertEquals(Double.doubleToRawLongBits(sa.get(t)), Double.doubleToRawLongBits(sb.get(t)), "signal bar " + t);
        }
        Indicators.rsi(original, 14, a);
        Indicators.rsi(changed, 14, b);
        Indicators.bollingerPercentB(original, 20, 2, sa);
        Indicators.bollingerPercentB(changed, 20, 2, sb);
        for (int t = 0; t <= cut; t++) {
            assertEquals(Double.doubleToRawLongBits(a.get(t)), Double.doubleToRawLongBits(b.get(t)), "RSI bar " + t);
            assertEquals(Double.doubleToRawLongBits(sa.get(t)), Double.doubleToRawLongBits(sb.get(t)), "%B bar " + t);
        }
        assertTrue(a.get(cut + 10) != b.get(cut + 10), "the change after the cut must show after it");
    }
}

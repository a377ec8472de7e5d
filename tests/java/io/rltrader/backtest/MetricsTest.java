package io.rltrader.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.data.MarketData;
import io.rltrader.data.TestData;
import org.junit.jupiter.api.Test;

/** Buy-and-hold metrics of the close series against the values R computed (data README). */
class MetricsTest {
    private static final double TOLERANCE = 1e-8;

    private static void assertMetrics(double[] expected, Metrics m) {
        double[] actual = {m.totalReturn(), m.cagr(), m.annualVolatility(), m.sharpe(), m.sortino(),
            m.maxDrawdown(), m.calmar()};
        String[] names = {"total_return", "cagr", "ann_vol", "sharpe", "sortino", "max_drawdown", "calmar"};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE * Math.max(1, Math.abs(expected[i])), names[i]);
        }
    }

    @Test
    void ttrcCloseMatchesR() {
        MarketData ttrc = TestData.ttrc();
        Metrics m = Metrics.of(ttrc.asset(0).price().toArray(), 252);
        assertEquals(5549, m.periods());
        assertMetrics(new double[] {15.8668831169, 0.1369046807, 0.2263138449, 0.6807917098, 0.9755441739,
            0.5701553931, 0.2401181895}, m);
    }

    @Test
    void euStockMarketsDaxAndFtseMatchR() {
        MarketData eu = TestData.euStocks();
        assertMetrics(new double[] {2.3606876439, 0.1785849458, 0.1632038990, 1.0889126702, 1.5777385653,
            0.2262225974, 0.7894213393}, Metrics.of(eu.asset("DAX").price().toArray(), 252));
        assertMetrics(new double[] {1.2323620887, 0.1150065054, 0.1264468817, 0.9242178878, 1.3792956424,
            0.1828537341, 0.6289535512}, Metrics.of(eu.asset("FTSE").price().toArray(), 252));
    }

    @Test
    void flatSeriesHasUndefinedRatiosNotInfinities() {
        Metrics m = Metrics.of(new double[] {100, 100, 100}, 252);
        assertEquals(0, m.totalReturn());
        assertEquals(0, m.maxDrawdown());
        assertTrue(Double.isNaN(m.sharpe()) && Double.isNaN(m.sortino()) && Double.isNaN(m.calmar()));
    }

    @Test
    void drawdownOfAKnownPath() {
        // peak 120, trough 90: drawdown 25%; a later higher peak does not reset the maximum
        Metrics m = Metrics.of(new double[] {100, 120, 90, 130, 117}, 252);
        assertEquals(0.25, m.maxDrawdown(), 1e-15);
        assertEquals(0.17, m.totalReturn(), 1e-12);
    }
}

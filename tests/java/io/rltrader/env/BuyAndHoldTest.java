package io.rltrader.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.backtest.Metrics;
import io.rltrader.data.MarketData;
import io.rltrader.data.TestData;
import org.junit.jupiter.api.Test;

/**
 * Buy-and-hold through the continuous env (action +1 at every bar, no costs, fractional shares,
 * the whole series from the first bar) has the equity curve of the price itself, so its metrics
 * are the reference values of the data README (R, tseries).
 */
class BuyAndHoldTest {
    private static final double TOLERANCE = 1e-9;

    private static double[] equityCurve(MarketData data, String assetName) {
        MarketData.Asset asset = data.asset(assetName);
        ContinuousTradingEnv vector = new ContinuousTradingEnv(asset,
            EnvFixtures.features(data, data.assets().indexOf(asset), EnvFixtures.NO_WARM_UP),
            new ContinuousTradingEnv.Config(EnvConfig.of(1), MarketConfig.frictionless()));
        assertEquals(0, vector.firstDecisionRow());
        TradingEnv env = new TradingEnv(vector);
        env.reset();
        double[] curve = new double[data.rows()];
        curve[0] = 10_000;
        float[] longAll = {1f};
        for (int t = 1; t < data.rows(); t++) {
            StepResult result = env.step(longAll);
            curve[t] = result.equity();
            assertEquals(t == data.rows() - 1, result.terminated(), "terminates at the end of the data only");
            assertTrue(!result.truncated());
        }
        return curve;
    }

    private static void assertMetrics(Metrics m, double totalReturn, double cagr, double annVol, double sharpe,
                                      double sortino, double maxDrawdown, double calmar) {
        assertEquals(totalReturn, m.totalReturn(), TOLERANCE);
        assertEquals(cagr, m.cagr(), TOLERANCE);
        assertEquals(annVol, m.annualVolatility(), TOLERANCE);
        assertEquals(sharpe, m.sharpe(), TOLERANCE);
        assertEquals(sortino, m.sortino(), TOLERANCE);
        assertEquals(maxDrawdown, m.maxDrawdown(), TOLERANCE);
        assertEquals(calmar, m.calmar(), TOLERANCE);
    }

    @Test
    void ttrcCloseBuyAndHoldMatchesTheReferenceMetrics() {
        MarketData ttrc = TestData.ttrc();
        assertEquals("close", ttrc.asset(0).price().name().toLowerCase(java.util.Locale.ROOT));
        Metrics m = Metrics.of(equityCurve(ttrc, ttrc.asset(0).name()), 252);
        assertEquals(5549, m.periods());
        assertMetrics(m, 15.8668831169, 0.1369046807, 0.2263138449, 0.6807917098, 0.9755441739, 0.5701553931,
            0.2401181895);
    }

    @Test
    void daxBuyAndHoldMatchesTheReferenceMetrics() {
        Metrics m = Metrics.of(equityCurve(TestData.euStocks(), "DAX"), 252);
        assertEquals(1859, m.periods());
        assertMetrics(m, 2.3606876439, 0.1785849458, 0.1632038990, 1.0889126702, 1.5777385653, 0.2262225974,
            0.7894213393);
    }
}

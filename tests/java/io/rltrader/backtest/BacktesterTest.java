package io.rltrader.backtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.data.DoubleColumn;
import io.rltrader.data.MarketData;
import io.rltrader.data.RowRange;
import io.rltrader.data.TestData;
import io.rltrader.env.MarketConfig;
import io.rltrader.util.UserInputException;
import org.junit.jupiter.api.Test;

/** Baselines through the backtester against exact definitions and slow references. */
class BacktesterTest {
    private static final MarketData TTRC = TestData.ttrc();

    @Test
    void buyAndHoldWithoutCostsHasTheReferenceMetricsOfTheDataReadme() {
        MarketData.Asset asset = TTRC.asset(0);
        BacktestResult result = Backtester.run(Strategy.buyAndHold(),
            Backtester.continuousEnv(TTRC, asset, null, MarketConfig.frictionless()), 252);
        Metrics m = result.metrics();
        assertEquals(5549, m.periods());
        assertEquals(15.8668831169, m.totalReturn(), 1e-9);
        assertEquals(0.6807917098, m.sharpe(), 1e-9);
        assertEquals(0.5701553931, m.maxDrawdown(), 1e-9);
        assertEquals(1, result.trades());
        assertEquals(1.0, result.exposure(), 0);
    }

    @Test
    void buyAndHoldWithAFeeReturnsLastOverFirstTimesOnePlusFee() {
        double fee = 0.001;
        MarketData.Asset asset = TTRC.asset(0);
        RowRange rows = new RowRange(1000, 2000);
        BacktestResult result = Backtester.run(Strategy.buyAndHold(),
            Backtester.continuousEnv(TTRC, asset, rows, MarketConfig.frictionless().withFeeRate(fee)), 252);
        double first = asset.price().get(1000);
        double last = asset.price().get(1999);
        assertEquals(last / (first * (1 + fee)) - 1, result.metrics().totalReturn(), 1e-12);
        assertEquals(10_000 - 10_000 / (1 + fee), result.feesPaid(), 1e-6);
    }

    @Test
    void smaCrossoverMatchesASlowReferenceLoop() {
        MarketData.Asset asset = TTRC.asset(0);
        RowRange rows = new RowRange(100, 1500);
        BacktestResult result = Backtester.run(Strategy.smaCrossover(asset, 10, 30),
            Backtester.continuousEnv(TTRC, asset, rows, MarketConfig.frictionless()), 252);
        DoubleColumn close = asset.price();
        double equity = 10_000;
        double[] expected = new double[rows.length()];
        expected[0] = equity;
        for (int t = rows.start(); t < rows.end() - 1; t++) {
            double fast = mean(close, t, 10);
            double slow = mean(close, t, 30);
            if (fast > slow) {
                equity *= close.get(t + 1) / close.get(t);
            }
            expected[t - rows.start() + 1] = equity;
        }
        assertEquals(expected.length, result.equity().length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], result.equity()[i], 1e-6 * expected[i], "equity at point " + i);
        }
        assertTrue(result.exposure() > 0.2 && result.exposure() < 0.9, "exposure " + result.exposure());
        assertTrue(result.trades() > 10);
        assertTrue(result.winRate() >= 0 && result.winRate() <= 1);
    }

    @Test
    void stitchingConsecutivePeriodsEqualsOneRunOverThem() {
        MarketData.Asset asset = TTRC.asset(0);
        MarketConfig market = MarketConfig.frictionless();
        BacktestResult whole = Backtester.run(Strategy.buyAndHold(),
            Backtester.continuousEnv(TTRC, asset, new RowRange(200, 800), market), 252);
        BacktestResult first = Backtester.run(Strategy.buyAndHold(),
            Backtester.continuousEnv(TTRC, asset, new RowRange(200, 500), market), 252);
        BacktestResult second = Backtester.run(Strategy.buyAndHold(),
            Backtester.continuousEnv(TTRC, asset, new RowRange(499, 800), market), 252);
        BacktestResult stitched = Backtester.stitch("bh", java.util.List.of(first, second), 252);
        assertArrayEquals(whole.bars(), stitched.bars());
        for (int i = 0; i < whole.equity().length; i++) {
            assertEquals(whole.equity()[i], stitched.equity()[i], 1e-9 * whole.equity()[i]);
        }
        assertEquals(2, stitched.trades());
    }

    @Test
    void randomBaselineIsSeeded() {
        MarketData.Asset asset = TTRC.asset(0);
        RowRange rows = new RowRange(0, 500);
        double[] a = Backtester.run(Strategy.random(3, false),
            Backtester.continuousEnv(TTRC, asset, rows, MarketConfig.frictionless()), 252).equity();
        double[] b = Backtester.run(Strategy.random(3, false),
            Backtester.continuousEnv(TTRC, asset, rows, MarketConfig.frictionless()), 252).equity();
        assertArrayEquals(a, b);
    }

    @Test
    void unknownStrategyIsAClearError() {
        UserInputException e = assertThrows(UserInputException.class,
            () -> Strategy.parse("sma-crossover:50,20", TTRC.asset(0), 1, false));
        assertTrue(e.getMessage().contains("FAST < SLOW"), e.getMessage());
        e = assertThrows(UserInputException.class, () -> Strategy.parse("momentum", TTRC.asset(0), 1, false));
        assertTrue(e.getMessage().contains("--strategy 'momentum'"), e.getMessage());
    }

    private static double mean(DoubleColumn close, int t, int n) {
        if (t < n - 1) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = t - n + 1; i <= t; i++) {
            sum += close.get(i);
        }
        return sum / n;
    }
}

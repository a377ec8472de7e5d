package io.rltrader.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.RowRange;
import io.rltrader.data.TestData;
import io.rltrader.util.Rng;
import org.junit.jupiter.api.Test;

/** Timeline, fills, costs, flags, auto-reset, observations and rewards of the environments. */
class EnvMechanicsTest {

    private static DiscreteTradingEnv discrete(MarketData data, EnvConfig env, MarketConfig market,
                                               DiscreteTradingEnv.ActionMode mode, double lot) {
        return new DiscreteTradingEnv(data.asset(0), EnvFixtures.features(data, 0, EnvFixtures.NO_WARM_UP),
            new DiscreteTradingEnv.Config(env, market, mode, lot));
    }

    private static ContinuousTradingEnv continuous(MarketData data, EnvConfig env, MarketConfig market) {
        return new ContinuousTradingEnv(data.asset(0), EnvFixtures.features(data, 0, EnvFixtures.NO_WARM_UP),
            new ContinuousTradingEnv.Config(env, market));
    }

    @Test
    void tutorialExampleBuyingOneShareAtOneHundredKeepsEquityAndPaysNothing() {
        MarketData data = EnvFixtures.prices(100, 100, 100);
        TradingEnv env = new TradingEnv(discrete(data, EnvConfig.of(1),
            MarketConfig.tutorialDefaults().withFeeRate(0), DiscreteTradingEnv.ActionMode.LOT, 1));
        env.reset();
        StepResult result = env.step(DiscreteTradingEnv.BUY);
        assertEquals(10_000, result.equity(), 0);
        assertEquals(9_900, result.cash(), 0, "the buy takes 100 from cash (the tutorial adds it)");
        assertEquals(1, result.position());
        assertEquals(0f, result.reward());

        TradingEnv tutorialReward = new TradingEnv(discrete(data, EnvConfig.of(1).withReward(RewardConfig.tutorial()),
            MarketConfig.tutorialDefaults().withFeeRate(0), DiscreteTradingEnv.ActionMode.LOT, 1));
        tutorialReward.reset();
        assertEquals(-0.01f, tutorialReward.step(DiscreteTradingEnv.BUY).reward(), 1e-7,
            "the tutorial's reward only charges its 0.01 per share held");
    }

    @Test
    void feesAreCountedOnceInThePnlReward() {
        MarketData data = EnvFixtures.prices(100, 100, 100);
        TradingEnv env = new TradingEnv(discrete(data, EnvConfig.of(1), MarketConfig.tutorialDefaults(),
            DiscreteTradingEnv.ActionMode.LOT, 1));
        env.reset();
        StepResult result = env.step(DiscreteTradingEnv.BUY);
        assertEquals(10_000 - 0.1, result.equity(), 1e-9);
        assertEquals(-0.1f, result.reward(), 1e-6);
    }

    @Test
    void continuousBuyBeyondCashIsFilledPartially() {
        MarketData data = EnvFixtures.prices(100, 110, 120);
        MarketConfig market = MarketConfig.tutorialDefaults().withFractional(false).withFeeRate(0.01)
            .withMaxPosition(1_000).withAllowShort(false);
        TradingEnv env = new TradingEnv(continuous(data, EnvConfig.of(1), market));
        env.reset();
        StepResult result = env.step(new float[] {1f});
        double shares = Math.floor(10_000 / (100 * 1.01));
        assertEquals(shares, result.position(), "whole shares, as many as cash and fee allow (the tutorial buys none)");
        assertEquals(10_000 - shares * 100 * 1.01, result.cash(), 1e-9);
        assertEquals(result.cash() + shares * 110, result.equity(), 1e-9);
        assertTrue(result.cash() >= 0 && result.cash() < 101);
    }

    @Test
    void nextOpenFillsAtTheFollowingBarsOpenAndMarksAtItsClose() {
        double[] closes = {100, 104, 108, 112};
        double[] opens = {99, 101, 105, 111};
        MarketData data = EnvFixtures.prices(closes, opens);
        MarketConfig market = MarketConfig.tutorialDefaults().withFeeRate(0.001)
            .withFill(MarketConfig.Fill.NEXT_OPEN);
        TradingEnv env = new TradingEnv(discrete(data, EnvConfig.of(1), market, DiscreteTradingEnv.ActionMode.LOT, 10));
        env.reset();
        StepResult result = env.step(DiscreteTradingEnv.BUY);
        assertEquals(10_000 - 10 * 101 * 1.001, result.cash(), 1e-9, "decided at bar 0, filled at bar 1's open");
        assertEquals(result.cash() + 10 * 104, result.equity(), 1e-9);
        assertEquals(result.equity() - 10_000, result.reward(), 1e-3);

        MarketData noOpen = EnvFixtures.prices(closes);
        TradingEnv previousClose = new TradingEnv(discrete(noOpen, EnvConfig.of(1), market,
            DiscreteTradingEnv.ActionMode.LOT, 10));
        previousClose.reset();
        assertEquals(10_000 - 10 * 100 * 1.001, previousClose.step(DiscreteTradingEnv.BUY).cash(), 1e-9,
            "without an open column the next open is the previous close");
    }

    @Test
    void shortsPayBorrowCostEveryBarOnTheirNotional() {
        MarketData data = EnvFixtures.prices(100, 90, 80, 95);
        MarketConfig market = MarketConfig.tutorialDefaults().withFeeRate(0).withBorrowRatePerBar(0.001);
        TradingEnv env = new TradingEnv(discrete(data, EnvConfig.of(1), market, DiscreteTradingEnv.ActionMode.LOT, 10));
        env.reset();
        StepResult first = env.step(DiscreteTradingEnv.SELL);
        double cash = 10_000 + 1_000 - 10 * 90 * 0.001;
        assertEquals(cash, first.cash(), 1e-9);
        assertEquals(cash - 900, first.equity(), 1e-9);
        StepResult second = env.step(DiscreteTradingEnv.HOLD);
        cash -= 10 * 80 * 0.001;
        assertEquals(cash, second.cash(), 1e-9);
        assertEquals(10 * 90 * 0.001 + 10 * 80 * 0.001, env.vectorEnv().accounts().borrowCost(0), 1e-12);
        assertEquals(100 - 0.8f, second.reward(), 1e-4);
    }

    @Test
    void ruinTerminatesWhileEpisodeLengthTruncates() {
        MarketData data = EnvFixtures.prices(100, 100, 60, 40, 40, 40, 40, 40, 40, 40);
        MarketConfig market = MarketConfig.frictionless().withRuinFraction(0.5);
        ContinuousTradingEnv whole = continuous(data, EnvConfig.of(1), market);
        whole.reset();
        StepBuffers buffers = whole.buffers();
        for (int step = 0; step < 3; step++) {
            buffers.putContinuousAction(0, 0, 1f);
            whole.step();
            assertEquals(step == 2, buffers.terminated(0), "all in, ruined when the price reaches 40, step " + step);
            assertFalse(buffers.truncated(0));
        }
        assertTrue(whole.episodes().terminated(0));
        assertEquals(3, whole.episodes().length(0));
        assertEquals(4_000, whole.episodes().finalEquity(0), 1e-9);
        assertEquals(-0.6, whole.episodes().totalReturn(0), 1e-12);

        ContinuousTradingEnv windows = continuous(data, EnvConfig.of(16).withEpisodeLength(4), market);
        windows.reset();
        int[] starts = new int[16];
        for (int i = 0; i < 16; i++) {
            starts[i] = windows.decisionRow(i);
        }
        for (int step = 0; step < 4; step++) {
            windows.step();
            for (int i = 0; i < 16; i++) {
                assertEquals(step == 3, windows.buffers().truncated(i), "flat envs run the full length");
                assertEquals(step == 3 && starts[i] + 4 == windows.lastRow(), windows.buffers().terminated(i),
                    "terminated only where the window ends at the last bar");
            }
        }
        assertFalse(windows.episodes().terminated(0) && starts[0] + 4 < windows.lastRow());
        assertEquals(4, windows.episodes().length(0));
    }

    @Test
    void endOfDataTerminatesAndAutoResetKeepsTheFinalObservation() {
        MarketData data = EnvFixtures.prices(100, 101, 102, 103, 104, 105);
        FeatureMatrix features = EnvFixtures.features(data, 0, java.util.List.of("logret"));
        ContinuousTradingEnv vector = new ContinuousTradingEnv(data.asset(0), features,
            new ContinuousTradingEnv.Config(EnvConfig.of(1).withWindow(2), MarketConfig.frictionless()));
        assertEquals(2, vector.firstDecisionRow(), "logret is defined from bar 1, the window needs bars 1 and 2");
        TradingEnv env = new TradingEnv(vector);
        float[] first = env.reset().clone();
        assertEquals((float) Math.log(101 / 100.0), first[0]);
        assertEquals((float) Math.log(102 / 101.0), first[1]);
        StepResult result = null;
        for (int step = 0; step < 3; step++) {
            result = env.step(new float[] {0.5f});
            assertEquals(step == 2, result.terminated());
        }
        float[] last = result.finalObservation();
        assertEquals((float) Math.log(104 / 103.0), last[0]);
        assertEquals((float) Math.log(105 / 104.0), last[1]);
        double positionValue = result.position() * 105;
        assertEquals((float) (positionValue / result.equity()), last[2], 1e-6, "position as equity fraction");
        assertEquals((float) (result.cash() / result.equity()), last[3], 1e-6);
        assertArrayEquals(first, result.observation(), "the next episode starts over");
        assertEquals(3, vector.episodes().length(0));
        assertEquals(1, vector.episodes().completed(0));
    }

    @Test
    void observationWindowEndsAtTheDecisionBarAndAccountStateFollows() {
        MarketData data = TestData.ttrc();
        FeatureMatrix features = FeatureMatrix.defaults(data);
        int window = 4;
        DiscreteTradingEnv vector = new DiscreteTradingEnv(data.asset(0), features,
            new DiscreteTradingEnv.Config(EnvFixtures.env(8, window, 30, 9)
                .withPositionEncoding(EnvConfig.PositionEncoding.LIMIT_FRACTION).withTimeScale(10),
                MarketConfig.tutorialDefaults(), DiscreteTradingEnv.ActionMode.LOT, 5));
        assertEquals(features.firstValidRow() + window - 1, vector.firstDecisionRow());
        int width = features.width();
        assertEquals(window * width + 4, vector.observationSize());
        vector.reset();
        Rng rng = new Rng(1);
        for (int step = 0; step < 200; step++) {
            for (int i = 0; i < 8; i++) {
                vector.buffers().putDiscreteAction(i, rng.nextInt(3));
            }
            vector.step();
            for (int i = 0; i < 8; i++) {
                int bar = vector.decisionRow(i);
                assertTrue(bar >= vector.firstDecisionRow());
                for (int w = 0; w < window; w++) {
                    for (int f = 0; f < width; f++) {
                        assertEquals(features.get(bar - window + 1 + w, f),
                            vector.buffers().observation(i, w * width + f));
                    }
                }
                int state = window * width;
                Accounts a = vector.accounts();
                assertEquals((float) (a.shares(i, 0) / 100), vector.buffers().observation(i, state));
                double unrealized = a.shares(i, 0) * (data.asset(0).price().get(bar) - a.entryPrice(i, 0));
                assertEquals((float) (unrealized / 10_000), vector.buffers().observation(i, state + 2), 1e-7);
                assertEquals((float) (a.barsInPosition(i) / 10.0), vector.buffers().observation(i, state + 3));
            }
        }
    }

    @Test
    void randomEpisodeStartsCoverTheUsableRowsAndFollowTheSeed() {
        MarketData data = EnvFixtures.randomWalk(3, 200, 0.01);
        EnvConfig env = EnvFixtures.env(64, 3, 20, 17).withRows(new RowRange(50, 150));
        DiscreteTradingEnv a = discrete(data, env, MarketConfig.tutorialDefaults(), DiscreteTradingEnv.ActionMode.LOT, 1);
        DiscreteTradingEnv b = discrete(data, env, MarketConfig.tutorialDefaults(), DiscreteTradingEnv.ActionMode.LOT, 1);
        DiscreteTradingEnv other = discrete(data, env.withSeed(18), MarketConfig.tutorialDefaults(),
            DiscreteTradingEnv.ActionMode.LOT, 1);
        a.reset();
        b.reset();
        other.reset();
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        int same = 0;
        for (int i = 0; i < 64; i++) {
            assertEquals(a.decisionRow(i), b.decisionRow(i));
            same += a.decisionRow(i) == other.decisionRow(i) ? 1 : 0;
            min = Math.min(min, a.decisionRow(i));
            max = Math.max(max, a.decisionRow(i));
        }
        assertEquals(50, a.firstDecisionRow());
        assertEquals(149, a.lastRow());
        assertTrue(min >= 50 && max <= 149 - 20, "starts leave room for a full episode: " + min + ".." + max);
        assertTrue(max - min > 50, "starts spread over the rows");
        assertTrue(same < 10, "another seed draws other starts");
    }

    @Test
    void logReturnAndDifferentialSharpeRewardsMatchTheirDefinitions() {
        MarketData data = EnvFixtures.randomWalk(8, 120, 0.02);
        double eta = 0.1;
        ContinuousTradingEnv log = continuous(data, EnvConfig.of(1).withReward(RewardConfig.logReturn().withScale(100)),
            MarketConfig.frictionless());
        ContinuousTradingEnv sharpe = continuous(data, EnvConfig.of(1).withReward(RewardConfig.differentialSharpe(eta)),
            MarketConfig.frictionless());
        log.reset();
        sharpe.reset();
        double mean = 0;
        double second = 0;
        double previous = 10_000;
        Rng rng = new Rng(2);
        for (int step = 0; step < 100; step++) {
            float action = (float) rng.nextDouble();
            log.buffers().putContinuousAction(0, 0, action);
            sharpe.buffers().putContinuousAction(0, 0, action);
            log.step();
            sharpe.step();
            double equity = log.accounts().equity(0);
            assertEquals((float) (100 * Math.log(equity / previous)), log.buffers().reward(0), 1e-5);
            double r = equity / previous - 1;
            double variance = second - mean * mean;
            double expected = variance > 0
                ? (second * (r - mean) - 0.5 * mean * (r * r - second)) / Math.pow(variance, 1.5) : 0;
            assertEquals((float) expected, sharpe.buffers().reward(0), Math.abs(expected) * 1e-6 + 1e-7);
            mean += eta * (r - mean);
            second += eta * (r * r - second);
            previous = equity;
        }
    }
}

package io.rltrader.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.bench.ThreadAllocation;
import io.rltrader.data.MarketData;
import io.rltrader.util.UserInputException;
import org.junit.jupiter.api.Test;

/**
 * Observations and rewards are finite, or the step fails at the bar where the first value that is
 * not arises. Equity at zero, below zero or vanishingly small cannot make the account state
 * infinite (its ratios over equity are 0 then); prices or reward scales beyond float32 are refused
 * with the env row, the bar and the account named.
 */
class NonFiniteObservationTest {
    private static final int CASH_FRACTION = AccountStateDescriptor.cashFractionIndex(1);
    private static final int POSITION = AccountStateDescriptor.positionIndex(0);

    private static DiscreteTradingEnv env(MarketData data, MarketConfig market, RewardConfig reward) {
        return new DiscreteTradingEnv(data.asset(0), EnvFixtures.features(data, 0, EnvFixtures.NO_WARM_UP),
            new DiscreteTradingEnv.Config(EnvConfig.of(1).withReward(reward), market,
                DiscreteTradingEnv.ActionMode.TARGET, 1));
    }

    private static void step(DiscreteTradingEnv env, int action) {
        env.buffers().putDiscreteAction(0, action);
        env.step();
    }

    private static void assertFinite(float[] values, String what) {
        for (int i = 0; i < values.length; i++) {
            assertTrue(Float.isFinite(values[i]), what + " value " + i + " is " + values[i]);
        }
    }

    @Test
    void equityBelowZeroEndsTheEpisodeWithAFiniteFinalObservation() {
        // short 100 shares at 100 with 10,000 cash, then the price triples: equity -10,000
        MarketData data = EnvFixtures.prices(100, 100, 300, 300, 300);
        DiscreteTradingEnv env = env(data, MarketConfig.tutorialDefaults().withFeeRate(0), RewardConfig.pnl());
        env.reset();
        step(env, DiscreteTradingEnv.SELL);
        assertEquals(-100, env.accounts().shares(0, 0));
        step(env, DiscreteTradingEnv.SELL);   // stay short (HOLD would mean flat in TARGET mode)
        StepBuffers io = env.buffers();
        assertTrue(io.terminated(0), "ruined");
        float[] last = new float[env.observationSize()];
        for (int i = 0; i < last.length; i++) {
            last[i] = io.finalObservation(0, i);
        }
        assertFinite(last, "final observation");
        assertEquals(0f, last[env.observationSize() - AccountStateDescriptor.length(1) + CASH_FRACTION]);
        assertEquals(-20_000f, io.reward(0));
        assertFinite(io.observationCopy(0), "observation after the reset");
    }

    /**
     * A long position through a crash to a subnormal price: equity 1e-318 is positive, so dividing by
     * it made the position and cash ratios infinite and NaN (0 * Inf); now the account counts as gone
     * (ratios 0), and the differential Sharpe ratio, which divided the recovery by that equity, stays finite.
     */
    @Test
    void vanishinglySmallEquityGivesFiniteObservationsAndRewards() {
        MarketData data = EnvFixtures.prices(100, 100, 100, 1e-320, 1e-320, 100, 100);
        for (RewardConfig reward : new RewardConfig[] {RewardConfig.pnl(), RewardConfig.logReturn(),
            RewardConfig.differentialSharpe(0.1), RewardConfig.tutorial()}) {
            DiscreteTradingEnv env = env(data, MarketConfig.frictionless(), reward);
            env.reset();
            for (int t = 0; t < 5; t++) {
                step(env, DiscreteTradingEnv.BUY);
                assertFinite(env.buffers().observationCopy(0), reward.kind() + " observation at bar " + (t + 1));
                assertTrue(Float.isFinite(env.buffers().reward(0)), reward.kind() + " reward at bar " + (t + 1));
                if (t == 2) {
                    double equity = env.accounts().equity(0);
                    assertTrue(equity > 0 && equity < Double.MIN_NORMAL, "equity " + equity);
                    int state = env.observationSize() - AccountStateDescriptor.length(1);
                    assertEquals(0f, env.buffers().observation(0, state + POSITION));
                    assertEquals(0f, env.buffers().observation(0, state + CASH_FRACTION));
                }
            }
        }
    }

    @Test
    void aPriceBeyondFloat32InTheAccountStateIsRefusedAtItsBar() {
        // 100 shares bought at 100, then a close of 1e41: unrealized PnL / initial cash = 1e39
        MarketData data = EnvFixtures.prices(100, 100, 100, 1e41, 1e41);
        DiscreteTradingEnv env = env(data, MarketConfig.frictionless(), RewardConfig.logReturn());
        env.reset();
        step(env, DiscreteTradingEnv.BUY);
        step(env, DiscreteTradingEnv.BUY);
        UserInputException error = assertThrows(UserInputException.class,
            () -> step(env, DiscreteTradingEnv.BUY));
        String message = error.getMessage();
        assertTrue(message.startsWith("env row 0: observation at bar 3: account state 'unrealized PnL / initial cash'"
            + " is Infinity"), message);
        assertTrue(message.contains("X: 100.0 shares at close 1.0E41, entry 100.0"), message);
        assertTrue(message.contains("check the prices near bar 3"), message);
        assertFalse(message.contains("\n"), message);
    }

    @Test
    void aRewardBeyondFloat32IsRefusedAtItsBar() {
        MarketData data = EnvFixtures.prices(100, 100, 110, 110);
        DiscreteTradingEnv env = env(data, MarketConfig.frictionless(), RewardConfig.pnl().withScale(1e38));
        env.reset();
        step(env, DiscreteTradingEnv.BUY);
        UserInputException error = assertThrows(UserInputException.class,
            () -> step(env, DiscreteTradingEnv.BUY));
        String message = error.getMessage();
        assertTrue(message.startsWith("env row 0: the reward for the step to bar 2 is Infinity (PNL, scale 1.0E38;"),
            message);
        assertTrue(message.contains("equity after the step 11000.0"), message);
        assertFalse(message.contains("\n"), message);
    }

    /** The finiteness checks live in the step's loops: stepping still allocates nothing. */
    @Test
    void checkedStepsAllocateNothing() {
        MarketData data = EnvFixtures.randomWalk(3, 2000, 0.02);
        DiscreteTradingEnv env = new DiscreteTradingEnv(data.asset(0),
            EnvFixtures.features(data, 0, EnvFixtures.SMALL), new DiscreteTradingEnv.Config(
                EnvFixtures.env(16, 2, 100, 5).withReward(RewardConfig.differentialSharpe(0.05)),
                MarketConfig.tutorialDefaults(), DiscreteTradingEnv.ActionMode.LOT, 1));
        env.reset();
        long bytes = ThreadAllocation.fewestBytes(3, () -> {
            for (int i = 0; i < 20_000; i++) {
                for (int row = 0; row < 16; row++) {
                    env.buffers().putDiscreteAction(row, (i + row) % 3);
                }
                env.step();
            }
        });
        assertEquals(0, bytes, "bytes allocated by 20,000 steps of 16 envs");
    }
}

package io.rltrader.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.Normalization;
import io.rltrader.util.Rng;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact trajectories of the discrete and continuous envs (random actions, auto-resets,
 * ruin): a hash over the bits of every observation, final observation, reward, flag and account
 * value of every step. The expected values were computed by the env before its step was sped up;
 * a faster step must reproduce them bit for bit.
 */
class TrajectoryGoldenTest {
    private static final MarketData DATA = EnvFixtures.randomWalk(41, 700, 0.08);
    private static final FeatureMatrix FEATURES = FeatureMatrix.build(DATA, DATA.asset(0),
        List.of("logret", "logret:3", "sma:5", "rsi:14"), Normalization.none());
    private static final MarketConfig COSTLY = MarketConfig.tutorialDefaults().withFeeRate(0.002).withFixedFee(1.5)
        .withSlippageBps(5).withBorrowRatePerBar(0.001).withRuinFraction(0.6).withMaxPosition(60);

    @Test
    void discreteLotTrajectoryIsUnchanged() {
        EnvConfig env = EnvFixtures.env(9, 3, 50, 5).withReward(RewardConfig.logReturn());
        assertEquals(GOLDEN_DISCRETE_LOT, discreteHash(new DiscreteTradingEnv(DATA.asset(0), FEATURES,
            new DiscreteTradingEnv.Config(env, COSTLY, DiscreteTradingEnv.ActionMode.LOT, 4))));
        assertTrue(terminations > 0, "the trajectory covers terminated episodes");
    }

    @Test
    void discreteTargetTrajectoryIsUnchanged() {
        EnvConfig env = EnvFixtures.env(9, 2, 0, 6).withReward(RewardConfig.differentialSharpe(0.05));
        assertEquals(GOLDEN_DISCRETE_TARGET, discreteHash(new DiscreteTradingEnv(DATA.asset(0), FEATURES,
            new DiscreteTradingEnv.Config(env, COSTLY.withMaxPosition(1000), DiscreteTradingEnv.ActionMode.TARGET, 1))));
        assertTrue(terminations > 0, "the trajectory covers terminated episodes");
    }

    @Test
    void tutorialTrajectoryIsUnchanged() {
        assertEquals(GOLDEN_TUTORIAL, discreteHash(new DiscreteTradingEnv(DATA.asset(0), FEATURES,
            DiscreteTradingEnv.Config.tutorial(9))));
    }

    @Test
    void continuousTrajectoryIsUnchanged() {
        EnvConfig env = EnvFixtures.env(9, 1, 40, 7).withReward(RewardConfig.pnl());
        ContinuousTradingEnv continuous = new ContinuousTradingEnv(DATA.asset(0), FEATURES,
            new ContinuousTradingEnv.Config(env, COSTLY.withFractional(true).withFill(MarketConfig.Fill.NEXT_OPEN)
                .withMaxPosition(Double.POSITIVE_INFINITY)));
        continuous.reset();
        Rng rng = new Rng(3);
        long hash = 0;
        for (int step = 0; step < 1500; step++) {
            for (int i = 0; i < continuous.envs(); i++) {
                continuous.buffers().putContinuousAction(i, 0, (float) (2.4 * rng.nextDouble() - 1.2));
            }
            continuous.step();
            hash = mix(hash, continuous);
        }
        assertEquals(GOLDEN_CONTINUOUS, hash);
        assertTrue(terminations > 0, "the trajectory covers terminated episodes");
    }

    private static final long GOLDEN_DISCRETE_LOT = 1876943914675464159L;
    private static final long GOLDEN_DISCRETE_TARGET = -7061942357555991014L;
    private static final long GOLDEN_TUTORIAL = 6016819401411887041L;
    private static final long GOLDEN_CONTINUOUS = -7766258127085507164L;

    /** Terminated episodes seen (ruin or end of data), so that each test is known to cover them. */
    private int terminations;

    private long discreteHash(DiscreteTradingEnv env) {
        env.reset();
        Rng rng = new Rng(2);
        long hash = 0;
        for (int step = 0; step < 1500; step++) {
            for (int i = 0; i < env.envs(); i++) {
                env.buffers().putDiscreteAction(i, rng.nextInt(3));
            }
            env.step();
            hash = mix(hash, env);
        }
        return hash;
    }

    private long mix(long hash, VectorEnv env) {
        StepBuffers buffers = env.buffers();
        hash = mix(hash, buffers.observations());
        hash = mix(hash, buffers.rewards());
        hash = mix(hash, buffers.terminated());
        hash = mix(hash, buffers.truncated());
        Accounts accounts = env.accounts();
        EpisodeStats episodes = env.episodes();
        for (int row = 0; row < accounts.accounts(); row++) {
            if (buffers.ended(row)) {
                terminations += buffers.terminated(row) ? 1 : 0;
                for (int j = 0; j < buffers.observationSize(); j++) {
                    hash = mix(hash, Float.floatToRawIntBits(buffers.finalObservation(row, j)));
                }
                hash = mix(hash, Double.doubleToRawLongBits(episodes.totalReward(row)));
                hash = mix(hash, Double.doubleToRawLongBits(episodes.finalEquity(row)));
                hash = mix(hash, episodes.length(row));
            }
            hash = mix(hash, Double.doubleToRawLongBits(accounts.cash(row)));
            hash = mix(hash, Double.doubleToRawLongBits(accounts.shares(row, 0)));
            hash = mix(hash, Double.doubleToRawLongBits(accounts.entryPrice(row, 0)));
            hash = mix(hash, Double.doubleToRawLongBits(accounts.fees(row)));
            hash = mix(hash, Double.doubleToRawLongBits(accounts.buyNotional(row)));
            hash = mix(hash, Double.doubleToRawLongBits(accounts.sellNotional(row)));
            hash = mix(hash, Double.doubleToRawLongBits(accounts.borrowCost(row)));
            hash = mix(hash, accounts.trades(row));
            hash = mix(hash, accounts.barsInPosition(row));
        }
        return hash;
    }

    private static long mix(long hash, UnsafeBuffer buffer) {
        for (int i = 0; i < buffer.capacity(); i++) {
            hash = mix(hash, buffer.getByte(i));
        }
        return hash;
    }

    /** FNV-1a style step over 64-bit values. */
    private static long mix(long hash, long value) {
        return (hash ^ value) * 0x100000001b3L + 0x9e3779b97f4a7c15L;
    }
}

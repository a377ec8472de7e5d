package io.rltrader.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.data.MarketData;
import io.rltrader.util.Rng;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** N envs stepped together give bit-identical outputs to N single envs with the same seed streams. */
class VectorizedEqualsSequentialTest {
    /** At least 8, so that the discrete kind trades the vectorized envs grouped and the single ones in order. */
    private static final int N = 10;
    private static final int STEPS = 600;

    private static EnvConfig config(int envs, int envIndex) {
        return EnvFixtures.env(envs, 3, 35, 42).withStreamOffset(envIndex)
            .withReward(RewardConfig.differentialSharpe(0.05));
    }

    @Test
    void discrete() {
        MarketData data = EnvFixtures.randomWalk(1, 300, 0.02);
        IntFunction<VectorEnv> make = index -> new DiscreteTradingEnv(data.asset(0),
            EnvFixtures.features(data, 0, EnvFixtures.SMALL),
            new DiscreteTradingEnv.Config(index < 0 ? config(N, 0) : config(1, index), EnvFixtures.costlyMarket(),
                DiscreteTradingEnv.ActionMode.LOT, 30));
        compare(make, (rng, buffers, row) -> buffers.putDiscreteAction(row, rng.nextInt(3)));
    }

    @Test
    void continuous() {
        MarketData data = EnvFixtures.randomWalk(2, 300, 0.02);
        IntFunction<VectorEnv> make = index -> new ContinuousTradingEnv(data.asset(0),
            EnvFixtures.features(data, 0, EnvFixtures.SMALL),
            new ContinuousTradingEnv.Config(index < 0 ? config(N, 0) : config(1, index),
                EnvFixtures.costlyMarket().withFractional(true).withFill(MarketConfig.Fill.NEXT_OPEN)));
        compare(make, (rng, buffers, row) -> buffers.putContinuousAction(row, 0, (float) (2 * rng.nextDouble() - 1)));
    }

    @Test
    void portfolio() {
        MarketData data = EnvFixtures.randomWalks(3, 4, 300);
        IntFunction<VectorEnv> make = index -> new PortfolioTradingEnv(data,
            EnvFixtures.allFeatures(data, EnvFixtures.SMALL),
            new PortfolioTradingEnv.Config(index < 0 ? config(N, 0) : config(1, index),
                EnvFixtures.costlyMarket().withFractional(true), PortfolioTradingEnv.Projection.SIMPLEX));
        compare(make, (rng, buffers, row) -> {
            for (int j = 0; j < 5; j++) {
                buffers.putContinuousAction(row, j, (float) rng.nextGaussian());
            }
        });
    }

    @Test
    void multiAgent() {
        MarketData data = EnvFixtures.randomWalk(4, 300, 0.02);
        IntFunction<VectorEnv> make = index -> new MultiAgentTradingEnv(data.asset(0),
            EnvFixtures.features(data, 0, EnvFixtures.SMALL),
            new MultiAgentTradingEnv.Config(index < 0 ? config(N, 0) : config(1, index), EnvFixtures.costlyMarket(),
                3, 10, MultiAgentTradingEnv.Impact.permanent(3)));
        compare(make, (rng, buffers, row) -> buffers.putDiscreteAction(row, rng.nextInt(3)));
    }

    private interface ActionWriter {
        void write(Rng rng, StepBuffers buffers, int row);
    }

    private static void compare(IntFunction<VectorEnv> make, ActionWriter actions) {
        VectorEnv vector = make.apply(-1);
        VectorEnv[] singles = new VectorEnv[N];
        for (int i = 0; i < N; i++) {
            singles[i] = make.apply(i);
        }
        vector.reset();
        for (VectorEnv single : singles) {
            single.reset();
        }
        int agents = vector.agents();
        Rng[] rngs = new Rng[N];
        for (int i = 0; i < N; i++) {
            rngs[i] = new Rng(1000 + i);
        }
        int ended = 0;
        for (int step = 0; step < STEPS; step++) {
            for (int i = 0; i < N; i++) {
                Rng copy = new Rng(0);
                copy.restoreState(rngs[i].saveState());
                for (int m = 0; m < agents; m++) {
                    actions.write(rngs[i], vector.buffers(), i * agents + m);
                    actions.write(copy, singles[i].buffers(), m);
                }
            }
            vector.step();
            for (VectorEnv single : singles) {
                single.step();
            }
            for (int i = 0; i < N; i++) {
                StepBuffers v = vector.buffers();
                StepBuffers s = singles[i].buffers();
                assertEquals(vector.decisionRow(i), singles[i].decisionRow(0));
                for (int m = 0; m < agents; m++) {
                    int row = i * agents + m;
                    assertEquals(Float.floatToRawIntBits(v.reward(row)), Float.floatToRawIntBits(s.reward(m)),
                        "reward of env " + i + " agent " + m + " at step " + step);
                    assertEquals(v.terminated(row), s.terminated(m));
                    assertEquals(v.truncated(row), s.truncated(m));
                    assertEquals(vector.accounts().equity(row), singles[i].accounts().equity(m));
                    for (int j = 0; j < v.observationSize(); j++) {
                        assertEquals(Float.floatToRawIntBits(v.observation(row, j)),
                            Float.floatToRawIntBits(s.observation(m, j)), "observation " + j + " of env " + i);
                        if (v.ended(row)) {
                            assertEquals(Float.floatToRawIntBits(v.finalObservation(row, j)),
                                Float.floatToRawIntBits(s.finalObservation(m, j)));
                        }
                    }
                    if (v.ended(row)) {
                        ended++;
                        assertEquals(vector.episodes().finalEquity(row), singles[i].episodes().finalEquity(m));
                    }
                }
            }
        }
        assertTrue(ended >= 50, "episodes ended: " + ended);
    }
}

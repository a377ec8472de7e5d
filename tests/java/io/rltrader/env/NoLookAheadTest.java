package io.rltrader.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.data.DoubleColumn;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.RowRange;
import io.rltrader.data.TestData;
import io.rltrader.util.Rng;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Changing every price after bar T (and rebuilding the features from the changed data) leaves
 * every observation, final observation and reward of decision bars up to T bit-identical, for
 * fills at the close and at the next open.
 */
class NoLookAheadTest {
    private static final int LAST_UNCHANGED = 1_400;

    private static MarketData changedAfter(MarketData data, int lastUnchanged) {
        Rng rng = new Rng(77);
        MarketData.Asset a = data.asset(0);
        int rows = data.rows();
        DoubleColumn open = DoubleColumn.allocate("Open", rows);
        DoubleColumn high = DoubleColumn.allocate("High", rows);
        DoubleColumn low = DoubleColumn.allocate("Low", rows);
        DoubleColumn close = DoubleColumn.allocate("Close", rows);
        for (int t = 0; t < rows; t++) {
            double factor = t > lastUnchanged ? Math.exp(0.05 * rng.nextGaussian()) : 1;
            open.set(t, a.open().get(t) * factor);
            high.set(t, a.high().get(t) * factor);
            low.set(t, a.low().get(t) * factor);
            close.set(t, a.price().get(t) * factor);
        }
        long[] times = new long[rows];
        for (int t = 0; t < rows; t++) {
            times[t] = data.time(t);
        }
        return MarketData.ofSingleAsset("ttrc changed after " + lastUnchanged, a.name(), times, data.timeFormat(),
            close, open, high, low, a.volume());
    }

    private enum Kind { DISCRETE, CONTINUOUS }

    private static VectorEnv build(Kind kind, MarketData data, MarketConfig.Fill fill) {
        EnvConfig env = EnvFixtures.env(12, 5, 120, 3).withRows(new RowRange(0, 2_000));
        MarketConfig market = EnvFixtures.costlyMarket().withFill(fill);
        FeatureMatrix features = FeatureMatrix.defaults(data);
        if (kind == Kind.DISCRETE) {
            return new DiscreteTradingEnv(data.asset(0), features,
                new DiscreteTradingEnv.Config(env, market, DiscreteTradingEnv.ActionMode.LOT, 25));
        }
        return new ContinuousTradingEnv(data.asset(0), features,
            new ContinuousTradingEnv.Config(env, market.withFractional(true)));
    }

    @ParameterizedTest
    @EnumSource(MarketConfig.Fill.class)
    void discreteObservationsUpToTheChangeAreBitIdentical(MarketConfig.Fill fill) {
        check(Kind.DISCRETE, fill);
    }

    @ParameterizedTest
    @EnumSource(MarketConfig.Fill.class)
    void continuousObservationsUpToTheChangeAreBitIdentical(MarketConfig.Fill fill) {
        check(Kind.CONTINUOUS, fill);
    }

    private static void check(Kind kind, MarketConfig.Fill fill) {
        MarketData original = TestData.ttrc();
        MarketData changed = changedAfter(original, LAST_UNCHANGED);
        VectorEnv a = build(kind, original, fill);
        VectorEnv b = build(kind, changed, fill);
        a.reset();
        b.reset();
        Rng actions = new Rng(5);
        int compared = 0;
        int differing = 0;
        // An episode that ends at a different step after bar T (ruin on the changed prices) draws its
        // next start at a different time; from then on that env is not comparable any more.
        boolean[] inStep = new boolean[a.envs()];
        java.util.Arrays.fill(inStep, true);
        BiFunction<StepBuffers, Integer, int[]> observationBits = (buffers, row) -> {
            int[] bits = new int[buffers.observationSize()];
            for (int j = 0; j < bits.length; j++) {
                bits[j] = Float.floatToRawIntBits(buffers.observation(row, j));
            }
            return bits;
        };
        for (int step = 0; step < 2_500; step++) {
            int[] bars = new int[a.envs()];
            for (int i = 0; i < a.envs(); i++) {
                bars[i] = a.decisionRow(i);
                if (inStep[i]) {
                    assertEquals(bars[i], b.decisionRow(i), "episode starts do not depend on prices");
                }
                if (kind == Kind.DISCRETE) {
                    int action = actions.nextInt(3);
                    a.buffers().putDiscreteAction(i, action);
                    b.buffers().putDiscreteAction(i, action);
                } else {
                    float action = (float) (2 * actions.nextDouble() - 1);
                    a.buffers().putContinuousAction(i, 0, action);
                    b.buffers().putContinuousAction(i, 0, action);
                }
            }
            a.step();
            b.step();
            for (int i = 0; i < a.envs(); i++) {
                StepBuffers x = a.buffers();
                StepBuffers y = b.buffers();
                if (!inStep[i]) {
                    continue;
                }
                if (x.ended(i) != y.ended(i)) {
                    assertTrue(bars[i] + 1 > LAST_UNCHANGED, "episodes end alike up to the change");
                    inStep[i] = false;
                    continue;
                }
                boolean stepUnchanged = bars[i] + 1 <= LAST_UNCHANGED;
                if (stepUnchanged) {
                    assertEquals(Float.floatToRawIntBits(x.reward(i)), Float.floatToRawIntBits(y.reward(i)),
                        "reward of env " + i + " for bar " + bars[i]);
                    assertEquals(x.ended(i), y.ended(i));
                    if (x.ended(i)) {
                        for (int j = 0; j < x.observationSize(); j++) {
                            assertEquals(Float.floatToRawIntBits(x.finalObservation(i, j)),
                                Float.floatToRawIntBits(y.finalObservation(i, j)), "final observation " + j);
                        }
                    }
                }
                if (a.decisionRow(i) <= LAST_UNCHANGED && (stepUnchanged || x.ended(i))) {
                    assertEquals(java.util.Arrays.toString(observationBits.apply(x, i)),
                        java.util.Arrays.toString(observationBits.apply(y, i)),
                        "observation of env " + i + " at bar " + a.decisionRow(i));
                    compared++;
                } else if (!java.util.Arrays.equals(observationBits.apply(x, i), observationBits.apply(y, i))) {
                    differing++;
                }
            }
        }
        assertTrue(compared > 3_000, "observations compared: " + compared);
        assertTrue(differing > 500, "the change after bar " + LAST_UNCHANGED + " is visible after it: " + differing);
    }
}

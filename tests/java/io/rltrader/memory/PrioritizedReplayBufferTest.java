package io.rltrader.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.Rng;
import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;
import io.rltrader.util.UserInputException;
import java.util.HashMap;
import java.util.Map;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class PrioritizedReplayBufferTest {
    private static final int OBS_DIM = 5;
    /**
     * Priorities are {@code (|delta| + epsilon)^alpha} from the alpha's tables ({@code FixedExponentPow},
     * below 1e-15 relative to the exact power, so within a few ulps of {@code Math.pow}), exact for
     * alpha 1 and 1/2.
     */
    private static final double POWER_TOLERANCE = 3e-15;

    private static PrioritizedReplayBuffer buffer(int capacity, int numEnvs, float alpha, float betaStart,
            long anneal, long seed) {
        ReplayBuffer.Config replay = ReplayBuffer.Config.of(capacity, numEnvs, OBS_DIM, ActionSpec.discreteIndex())
            .withSeed(seed);
        return new PrioritizedReplayBuffer(new PrioritizedReplayBuffer.Config(replay, alpha, betaStart, anneal, 1e-6f));
    }

    @Test
    void sampleFrequenciesAreProportionalToPriorities() {
        PrioritizedReplayBuffer replay = buffer(8, 1, 0.6f, 0.4f, 1000, 21);
        new VecEnvFixture(1, OBS_DIM, ActionSpec.discreteIndex(), 1, 0.1, 0.1).stepInto(replay, 8);
        double[] priorities = {1, 2, 3, 4, 5, 6, 7, 8};
        for (int slot = 0; slot < 8; slot++) {
            replay.tree().set(slot, priorities[slot]);
        }
        long[] counts = new long[8];
        int draws = 0;
        try (TransitionBatch batch = new TransitionBatch(8, OBS_DIM, ActionSpec.discreteIndex())) {
            for (int round = 0; round < 6000; round++) {
                replay.sample(batch);
                for (int i = 0; i < batch.size(); i++) {
                    counts[batch.index(i)]++;
                    draws++;
                }
            }
        }
        double chiSquare = 0;
        for (int slot = 0; slot < 8; slot++) {
            double expected = draws * priorities[slot] / 36.0;
            chiSquare += (counts[slot] - expected) * (counts[slot] - expected) / expected;
        }
        // 7 degrees of freedom: P(chi2 > 24.32) = 0.001. Uniform sampling would give ~8000 here.
        assertTrue(chiSquare < 24.32, "chi-square " + chiSquare + " for counts " + java.util.Arrays.toString(counts));
    }

    @Test
    void importanceWeightsAreAsDefined() {
        PrioritizedReplayBuffer replay = buffer(64, 4, 0.7f, 0.5f, 10, 5);
        new VecEnvFixture(4, OBS_DIM, ActionSpec.discreteIndex(), 2, 0.1, 0.1).stepInto(replay, 10);
        try (TransitionBatch batch = new TransitionBatch(16, OBS_DIM, ActionSpec.discreteIndex())) {
            for (int round = 0; round < 6; round++) {
                replay.sample(batch);
                for (int i = 0; i < batch.size(); i++) {
                    batch.tdErrorsMemory().putFloat(i * 4, (float) Math.sin(batch.index(i) * 1.7) * 3f);
                }
                replay.updatePriorities(batch);
            }
            double beta = replay.beta();
            assertEquals(0.5 + 0.5 * 0.6, beta, 1e-12);
            replay.sample(batch);
            int stored = replay.size();
            double maxWeight = 0;
            for (int slot = 0; slot < stored; slot++) {
                maxWeight = Math.max(maxWeight, Math.pow(stored * replay.probability(slot), -beta));
            }
            for (int i = 0; i < batch.size(); i++) {
                double expected = Math.pow(stored * replay.probability(batch.index(i)), -beta) / maxWeight;
                assertEquals(expected, batch.weight(i), 1e-6 * expected, "weight of row " + i);
                assertTrue(batch.weight(i) <= 1f);
            }
        }
    }

    @Test
    void priorityUpdatesFollowTdErrorsAndNewTransitionsGetTheMaximum() {
        float alpha = 0.6f;
        PrioritizedReplayBuffer replay = buffer(40, 2, alpha, 0.4f, 100, 8);
        VecEnvFixture env = new VecEnvFixture(2, OBS_DIM, ActionSpec.discreteIndex(), 3, 0.1, 0.1);
        env.stepInto(replay, 6);
        for (int slot = 0; slot < 12; slot++) {
            assertEquals(1.0, replay.tree().get(slot), 0.0, "initial priority");
        }
        try (TransitionBatch batch = new TransitionBatch(4, OBS_DIM, ActionSpec.discreteIndex())) {
            replay.sample(batch);
            float[] errors = {-0.5f, 2f, 7.25f, 0f};
            for (int i = 0; i < 4; i++) {
                batch.tdErrorsMemory().putFloat(i * 4, errors[i]);
            }
            replay.updatePriorities(batch);
            double maxRaw = 1.0;
            for (int i = 0; i < 4; i++) {
                // a slot drawn twice keeps the later error
                int last = i;
                for (int j = i + 1; j < 4; j++) {
                    if (batch.index(j) == batch.index(i)) {
                        last = j;
                    }
                }
                double raw = Math.abs(errors[last]) + (double) 1e-6f;
                double expected = Math.pow(raw, alpha);
                assertEquals(expected, replay.tree().get(batch.index(i)), POWER_TOLERANCE * expected);
                // the tolerance is far below what a wrong alpha (by one float ulp) would change
                assertTrue(Math.abs(Math.pow(raw, Math.nextUp(alpha)) - expected) > 1000 * POWER_TOLERANCE * expected);
                maxRaw = Math.max(maxRaw, Math.abs(errors[i]) + (double) 1e-6f);
            }
            env.stepInto(replay, 1);
            int newest = replay.store().newestRow() * 2;
            double expectedNew = Math.pow(maxRaw, alpha);
            assertEquals(expectedNew, replay.tree().get(newest), POWER_TOLERANCE * expectedNew);
            // the same function as the updates: bit for bit the priority an update gives the largest error
            assertEquals(replay.priorityPower(maxRaw), replay.tree().get(newest), 0.0);
            assertEquals(replay.tree().get(newest), replay.tree().get(newest + 1), 0.0);

            batch.tdErrorsMemory().putFloat(0, Float.NaN);
            assertThrows(IllegalArgumentException.class, () -> replay.updatePriorities(batch));
        }
    }

    @Test
    void alphaOneAndOneHalfGiveExactPriorities() {
        float[] errors = {-0.5f, 2f, 7.25f, 0f, 1e-3f, -3e4f, 0.1f, 1f};
        for (float alpha : new float[] {1f, 0.5f}) {
            PrioritizedReplayBuffer replay = buffer(64, 2, alpha, 0.4f, 100, 12);
            VecEnvFixture env = new VecEnvFixture(2, OBS_DIM, ActionSpec.discreteIndex(), 3, 0.1, 0.1);
            env.stepInto(replay, 20);
            try (TransitionBatch batch = new TransitionBatch(errors.length, OBS_DIM, ActionSpec.discreteIndex())) {
                replay.sample(batch);
                for (int i = 0; i < errors.length; i++) {
                    batch.tdErrorsMemory().putFloat(i * 4, errors[i]);
                }
                replay.updatePriorities(batch);
                double maxRaw = 1.0;
                for (int i = 0; i < errors.length; i++) {
                    int last = i;
                    for (int j = i + 1; j < errors.length; j++) {
                        if (batch.index(j) == batch.index(i)) {
                            last = j;
                        }
                    }
                    double raw = Math.abs(errors[last]) + (double) 1e-6f;
                    double expected = alpha == 1f ? raw : Math.sqrt(raw);
                    assertEquals(expected, replay.tree().get(batch.index(i)), 0.0, "alpha " + alpha + ", row " + i);
                    maxRaw = Math.max(maxRaw, Math.abs(errors[i]) + (double) 1e-6f);
                }
                env.stepInto(replay, 1);
                double expectedNew = alpha == 1f ? maxRaw : Math.sqrt(maxRaw);
                assertEquals(expectedNew, replay.tree().get(replay.store().newestRow() * 2), 0.0, "alpha " + alpha);
            }
        }
    }

    /** A 64-slot buffer of 2 envs, filled by 32 steps, with the given alpha. */
    private static PrioritizedReplayBuffer smallFilled(float alpha) {
        PrioritizedReplayBuffer replay = buffer(64, 2, alpha, 0.4f, 100, 3);
        new VecEnvFixture(2, OBS_DIM, ActionSpec.discreteIndex(), 6, 0.1, 0.1).stepInto(replay, 32);
        return replay;
    }

    @Test
    void anOverflowingPriorityChangesNothing() {
        PrioritizedReplayBuffer replay = smallFilled(40f);
        try (TransitionBatch batch = new TransitionBatch(8, OBS_DIM, ActionSpec.discreteIndex())) {
            replay.sample(batch);
            double total = replay.tree().total();
            for (int i = 0; i < 8; i++) {
                // 1e30^40 overflows a double
                batch.tdErrorsMemory().putFloat(i * 4, i == 5 ? 1e30f : 1f + i);
            }
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> replay.updatePriorities(batch));
            assertTrue(error.getMessage().contains("batch row 5"), error.getMessage());
            assertEquals(total, replay.tree().total(), 0.0, "no leaf changed");
        }
    }

    @Test
    void prioritiesSummingPastTheLargestDoubleAreAClearErrorAtTheNextSample() {
        PrioritizedReplayBuffer replay = smallFilled(8f);
        try (TransitionBatch batch = new TransitionBatch(8, OBS_DIM, ActionSpec.discreteIndex())) {
            replay.sample(batch);
            for (int i = 0; i < 8; i++) {
                // (3e38)^8 = 6.6e307 is finite, a few of them are not
                batch.tdErrorsMemory().putFloat(i * 4, 3e38f);
            }
            replay.updatePriorities(batch);
            assertEquals(Double.POSITIVE_INFINITY, replay.tree().total(), 0.0);
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> replay.sample(batch));
            assertTrue(error.getMessage().contains("sum past the largest double (alpha 8.0)"), error.getMessage());
        }
    }

    @Test
    void betaAnnealsLinearlyToOne() {
        PrioritizedReplayBuffer replay = buffer(32, 1, 0.6f, 0.4f, 10, 1);
        new VecEnvFixture(1, OBS_DIM, ActionSpec.discreteIndex(), 4, 0.1, 0.1).stepInto(replay, 8);
        try (TransitionBatch batch = new TransitionBatch(2, OBS_DIM, ActionSpec.discreteIndex())) {
            assertEquals(0.4, replay.beta(), 1e-7);
            for (int i = 0; i < 5; i++) {
                replay.sample(batch);
            }
            assertEquals(0.7, replay.beta(), 1e-7);
            for (int i = 0; i < 20; i++) {
                replay.sample(batch);
            }
            assertEquals(1.0, replay.beta(), 0.0);
        }
    }

    @Test
    void sameSeedGivesIdenticalSamples() {
        assertArrayEquals(draw(17), draw(17));
    }

    private static int[] draw(long seed) {
        PrioritizedReplayBuffer replay = buffer(64, 2, 0.6f, 0.4f, 100, seed);
        new VecEnvFixture(2, OBS_DIM, ActionSpec.discreteIndex(), 6, 0.1, 0.1).stepInto(replay, 30);
        int[] drawn = new int[40];
        try (TransitionBatch batch = new TransitionBatch(8, OBS_DIM, ActionSpec.discreteIndex())) {
            for (int round = 0; round < 5; round++) {
                replay.sample(batch);
                for (int i = 0; i < 8; i++) {
                    drawn[round * 8 + i] = batch.index(i);
                    batch.tdErrorsMemory().putFloat(i * 4, batch.reward(i));
                }
                replay.updatePriorities(batch);
            }
        }
        return drawn;
    }

    @Test
    void badConfigurationIsAClearError() {
        ReplayBuffer.Config replay = ReplayBuffer.Config.of(10, 1, OBS_DIM, ActionSpec.discreteIndex());
        assertThrows(UserInputException.class, () -> new PrioritizedReplayBuffer.Config(replay, -1f, 0.4f, 1, 1e-6f));
        assertThrows(UserInputException.class, () -> new PrioritizedReplayBuffer.Config(replay, 0.6f, 1.5f, 1, 1e-6f));
        assertThrows(UserInputException.class, () -> new PrioritizedReplayBuffer.Config(replay, 0.6f, 0.4f, 1, 0f));
        PrioritizedReplayBuffer empty = new PrioritizedReplayBuffer(PrioritizedReplayBuffer.Config.of(replay));
        try (TransitionBatch batch = new TransitionBatch(1, OBS_DIM, ActionSpec.discreteIndex())) {
            assertThrows(IllegalStateException.class, () -> empty.sample(batch));
        }
    }

    @Test
    void batchedPriorityUpdateEqualsOneByOneSetsExactly() {
        float alpha = 0.6f;
        // a small store, so that batches repeat slots; a larger one for runs of shared ancestors
        for (int capacity : new int[] {24, 5000}) {
            PrioritizedReplayBuffer replay = buffer(capacity, 4, alpha, 0.4f, 100, 31);
            new VecEnvFixture(4, OBS_DIM, ActionSpec.discreteIndex(), 9, 0.05, 0.05).stepInto(replay, capacity / 4 + 3);
            SumTree reference = new SumTree(replay.tree().size());
            for (int slot = 0; slot < replay.size(); slot++) {
                reference.set(slot, replay.tree().get(slot));
            }
            io.rltrader.util.Rng rng = new io.rltrader.util.Rng(32);
            try (TransitionBatch batch = new TransitionBatch(Math.min(64, capacity - 4), OBS_DIM,
                    ActionSpec.discreteIndex())) {
                double[] expected = new double[replay.tree().size()];
                for (int round = 0; round < 30; round++) {
                    replay.sample(batch);
                    for (int i = 0; i < batch.size(); i++) {
                        float error = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(5) - 2));
                        batch.tdErrorsMemory().putFloat(i * 4, error);
                        // a slot drawn twice keeps its later error
                        expected[batch.index(i)] = Math.pow(Math.abs(error) + (double) 1e-6f, alpha);
                    }
                    replay.updatePriorities(batch);
                    for (int i = 0; i < batch.size(); i++) {
                        int slot = batch.index(i);
                        double priority = replay.tree().get(slot);
                        assertEquals(expected[slot], priority, POWER_TOLERANCE * expected[slot], "priority of slot " + slot);
                        // the tree must be exact for the priorities it was given
                        reference.set(slot, priority);
                    }
                }
            }
            SumTree tree = replay.tree();
            for (int level = 0; level < tree.levels(); level++) {
                for (int node = 0; node < tree.levelNodes(level); node++) {
                    assertEquals(reference.nodeSum(level, node), tree.nodeSum(level, node), 0.0, "sum " + level + "/" + node);
                    assertEquals(reference.nodeMin(level, node), tree.nodeMin(level, node), 0.0, "min " + level + "/" + node);
                    for (int k = 0; level > 0 && k < SumTree.FANOUT; k++) {
                        assertEquals(reference.childPrefix(level, node, k), tree.childPrefix(level, node, k), 0.0);
                    }
                }
            }
        }
    }

    @Test
    void sampleEqualsTheReferenceDescentAndMathPowWeights() {
        long seed = 41;
        PrioritizedReplayBuffer replay = buffer(4000, 8, 0.6f, 0.4f, 50, seed);
        new VecEnvFixture(8, OBS_DIM, ActionSpec.discreteIndex(), 10, 0.02, 0.02).stepInto(replay, 520);
        io.rltrader.util.Rng errors = new io.rltrader.util.Rng(42);
        io.rltrader.util.Rng masses = new io.rltrader.util.Rng(seed);
        int weightsOffByOneUlp = 0;
        int weights = 0;
        try (TransitionBatch batch = new TransitionBatch(256, OBS_DIM, ActionSpec.discreteIndex())) {
            for (int round = 0; round < 40; round++) {
                double beta = replay.beta();
                SumTree tree = replay.tree();
                double segment = tree.total() / batch.size();
                int[] expected = new int[batch.size()];
                for (int i = 0; i < batch.size(); i++) {
                    expected[i] = ReferenceSearch.find(tree, (i + masses.nextDouble()) * segment);
                }
                replay.sample(batch);
                for (int i = 0; i < batch.size(); i++) {
                    assertEquals(expected[i], batch.index(i), "row " + i + " of round " + round);
                    float weight = (float) Math.pow(tree.get(expected[i]) / tree.min(), -beta);
                    if (batch.weight(i) != weight) {
                        weightsOffByOneUlp++;
                        assertEquals(weight, batch.weight(i), Math.ulp(weight), "weight of row " + i);
                    }
                    weights++;
                    batch.tdErrorsMemory().putFloat(i * 4, (float) (errors.nextGaussian() * 3));
                }
                replay.updatePriorities(batch);
            }
        }
        // FastPow's error (~1e-15) moves a float weight across a rounding boundary about once in 1e7
        assertTrue(weightsOffByOneUlp <= 1, weightsOffByOneUlp + " of " + weights + " weights differ by one ulp");
    }

    /** Entries kept in memory, for a state round trip without files. */
    private static final class MemoryState implements StateWriter {
        private final Map<String, Object> entries = new HashMap<>();

        @Override
        public void longs(String name, long... values) {
            entries.put(name, values.clone());
        }

        @Override
        public void ints(String name, int... values) {
            entries.put(name, values.clone());
        }

        @Override
        public void doubles(String name, double... values) {
            entries.put(name, values.clone());
        }

        @Override
        public void bytes(String name, DirectBuffer source, int offset, int length) {
            byte[] copy = new byte[length];
            source.getBytes(offset, copy);
            entries.put(name, copy);
        }

        StateReader reader() {
            return new StateReader() {
                @Override
                public long[] longs(String name, int count) {
                    return ((long[]) entries.get(name)).clone();
                }

                @Override
                public int[] ints(String name, int count) {
                    return ((int[]) entries.get(name)).clone();
                }

                @Override
                public double[] doubles(String name, int count) {
                    return ((double[]) entries.get(name)).clone();
                }

                @Override
                public void bytes(String name, MutableDirectBuffer target, int offset, int length) {
                    byte[] stored = (byte[]) entries.get(name);
                    assertEquals(length, stored.length, name);
                    target.putBytes(offset, stored);
                }

                @Override
                public int byteLength(String name) {
                    return ((byte[]) entries.get(name)).length;
                }
            };
        }
    }

    /**
     * A buffer restored mid-anneal (weights made from the kept log priorities) samples the same rows
     * with the same weights, bit for bit, as the one it was saved from, through the end of the
     * anneal and after; with alpha 0.6 (log from the power) and 1/2 (log beside the exact root).
     */
    @Test
    void restoredMidAnnealSamplesAndWeighsBitIdentically() {
        for (float alpha : new float[] {0.6f, 0.5f}) {
            PrioritizedReplayBuffer original = buffer(600, 4, alpha, 0.4f, 30, 5);
            VecEnvFixture env = new VecEnvFixture(4, OBS_DIM, ActionSpec.discreteIndex(), 10, 0.02, 0.02);
            env.stepInto(original, 120);
            Rng errors = new Rng(8);
            try (TransitionBatch a = new TransitionBatch(64, OBS_DIM, ActionSpec.discreteIndex());
                    TransitionBatch b = new TransitionBatch(64, OBS_DIM, ActionSpec.discreteIndex())) {
                for (int round = 0; round < 10; round++) {
                    original.sample(a);
                    for (int i = 0; i < a.size(); i++) {
                        a.tdErrorsMemory().putFloat(i * 4, (float) (errors.nextGaussian() * 2));
                    }
                    original.updatePriorities(a);
                }
                MemoryState state = new MemoryState();
                original.writeState(state);
                assertTrue(state.entries.containsKey("logPriorities"), "the logs travel with the state while beta < 1");
                PrioritizedReplayBuffer restored = buffer(600, 4, alpha, 0.4f, 30, 99);
                restored.readState(state.reader());
                for (int round = 0; round < 40; round++) {
                    boolean annealing = original.beta() < 1.0;
                    original.sample(a);
                    restored.sample(b);
                    for (int i = 0; i < a.size(); i++) {
                        assertEquals(a.index(i), b.index(i), "alpha " + alpha + ", round " + round + ", row " + i);
                        assertEquals(Float.floatToRawIntBits(a.weight(i)), Float.floatToRawIntBits(b.weight(i)),
                            "weight, alpha " + alpha + ", round " + round + ", row " + i);
                        assertTrue(a.weight(i) <= 1f, "weights are at most 1");
                        float error = (float) (errors.nextGaussian() * 2);
                        a.tdErrorsMemory().putFloat(i * 4, error);
                        b.tdErrorsMemory().putFloat(i * 4, error);
                    }
                    if (annealing) {
                        // the log-based weights against their definition, (p_i / p_min)^-beta
                        double beta = 0.4 + 0.6 * (10 + round) / 30.0;
                        for (int i = 0; i < a.size(); i++) {
                            double exact = Math.pow(original.tree().get(a.index(i)) / original.tree().min(), -beta);
                            assertEquals((float) exact, a.weight(i), Math.ulp((float) exact), "row " + i);
                        }
                    }
                    original.updatePriorities(a);
                    restored.updatePriorities(b);
                    if (round % 7 == 0) {
                        // one env step into both: new rows get the maximal priority and its log
                        env.stepInto(new TransitionSink() {
                            @Override
                            public void addBatch(int n, UnsafeBuffer obs, UnsafeBuffer actions, UnsafeBuffer rewards,
                                    UnsafeBuffer nextObs, UnsafeBuffer finalObs, UnsafeBuffer terminated,
                                    UnsafeBuffer truncated) {
                                original.addBatch(n, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
                                restored.addBatch(n, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
                            }

                            @Override
                            public TransitionStore store() {
                                return original.store();
                            }

                            @Override
                            public void writeState(StateWriter out) {
                                throw new UnsupportedOperationException();
                            }

                            @Override
                            public void readState(StateReader in) {
                                throw new UnsupportedOperationException();
                            }
                        }, 1);
                    }
                }
            }
        }
    }

    @Test
    void weightsAtBetaOneAreTheMinimumOverThePriority() {
        // anneal 0: beta is 1 from the first sample
        PrioritizedReplayBuffer replay = buffer(512, 4, 0.6f, 0.4f, 0, 13);
        new VecEnvFixture(4, OBS_DIM, ActionSpec.discreteIndex(), 7, 0.05, 0.05).stepInto(replay, 140);
        io.rltrader.util.Rng errors = new io.rltrader.util.Rng(14);
        try (TransitionBatch batch = new TransitionBatch(64, OBS_DIM, ActionSpec.discreteIndex())) {
            for (int round = 0; round < 20; round++) {
                assertEquals(1.0, replay.beta(), 0.0);
                replay.sample(batch);
                SumTree tree = replay.tree();
                for (int i = 0; i < batch.size(); i++) {
                    double ratio = tree.get(batch.index(i)) / tree.min();
                    float exact = (float) (tree.min() / tree.get(batch.index(i)));
                    assertEquals(exact, batch.weight(i), 0.0f, "weight of row " + i);
                    assertEquals((float) Math.pow(ratio, -1.0), batch.weight(i), Math.ulp(exact), "weight of row " + i);
                    batch.tdErrorsMemory().putFloat(i * 4, (float) (errors.nextGaussian() * 2));
                }
                replay.updatePriorities(batch);
            }
        }
    }

    @Test
    void badTdErrorsChangeNothing() {
        PrioritizedReplayBuffer replay = buffer(64, 2, 0.6f, 0.4f, 100, 3);
        new VecEnvFixture(2, OBS_DIM, ActionSpec.discreteIndex(), 6, 0.1, 0.1).stepInto(replay, 32);
        try (TransitionBatch batch = new TransitionBatch(8, OBS_DIM, ActionSpec.discreteIndex())) {
            replay.sample(batch);
            double total = replay.tree().total();
            for (int i = 0; i < 8; i++) {
                batch.tdErrorsMemory().putFloat(i * 4, i == 7 ? Float.POSITIVE_INFINITY : 1f + i);
            }
            assertThrows(IllegalArgumentException.class, () -> replay.updatePriorities(batch));
            assertEquals(total, replay.tree().total(), 0.0, "no leaf changed");
            org.agrona.concurrent.UnsafeBuffer short4 = io.rltrader.util.OffHeap.allocate(4 * 4);
            assertThrows(IndexOutOfBoundsException.class, () -> replay.updatePriorities(batch, short4, 0));
            assertEquals(total, replay.tree().total(), 0.0, "no leaf changed");
        }
    }
}

package io.rltrader.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.UserInputException;
import org.junit.jupiter.api.Test;

class PrioritizedReplayBufferTest {
    private static final int OBS_DIM = 5;

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
                double expected = Math.pow(Math.abs(errors[last]) + (double) 1e-6f, alpha);
                assertEquals(expected, replay.tree().get(batch.index(i)), 0.0);
                maxRaw = Math.max(maxRaw, Math.abs(errors[i]) + (double) 1e-6f);
            }
            env.stepInto(replay, 1);
            int newest = replay.store().newestRow() * 2;
            assertEquals(Math.pow(maxRaw, alpha), replay.tree().get(newest), 0.0);
            assertEquals(Math.pow(maxRaw, alpha), replay.tree().get(newest + 1), 0.0);

            batch.tdErrorsMemory().putFloat(0, Float.NaN);
            assertThrows(IllegalArgumentException.class, () -> replay.updatePriorities(batch));
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
}

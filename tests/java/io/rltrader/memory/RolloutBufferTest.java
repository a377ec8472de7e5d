package io.rltrader.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RolloutBufferTest {
    private static final int OBS_DIM = 3;

    /** Random rollout data, [T][N], with mixed terminations and truncations. */
    private static final class Rollout {
        final float[][][] obs;
        final int[][] actions;
        final float[][] logProbs;
        final float[][] values;
        final float[][] rewards;
        final boolean[][] terminated;
        final boolean[][] truncated;
        final float[][] finalValues;
        final float[] lastValues;

        Rollout(int steps, int envs, long seed) {
            Rng rng = new Rng(seed);
            obs = new float[steps][envs][OBS_DIM];
            actions = new int[steps][envs];
            logProbs = new float[steps][envs];
            values = new float[steps][envs];
            rewards = new float[steps][envs];
            terminated = new boolean[steps][envs];
            truncated = new boolean[steps][envs];
            finalValues = new float[steps][envs];
            lastValues = new float[envs];
            for (int t = 0; t < steps; t++) {
                for (int e = 0; e < envs; e++) {
                    obs[t][e][0] = t;
                    obs[t][e][1] = e;
                    obs[t][e][2] = (float) rng.nextGaussian();
                    actions[t][e] = rng.nextInt(4);
                    logProbs[t][e] = (float) -rng.nextDouble();
                    values[t][e] = (float) rng.nextGaussian();
                    rewards[t][e] = (float) rng.nextGaussian();
                    double u = rng.nextDouble();
                    terminated[t][e] = u < 0.08;
                    truncated[t][e] = u >= 0.08 && u < 0.16;
                    finalValues[t][e] = truncated[t][e] ? (float) rng.nextGaussian() : Float.NaN;
                }
            }
            for (int e = 0; e < envs; e++) {
                lastValues[e] = (float) rng.nextGaussian();
            }
        }

        void fill(RolloutBuffer buffer) {
            int envs = lastValues.length;
            UnsafeBuffer obsStep = OffHeap.allocate(envs * OBS_DIM * 4L);
            UnsafeBuffer actionStep = OffHeap.allocate(envs * 4L);
            UnsafeBuffer logProbStep = OffHeap.allocate(envs * 4L);
            UnsafeBuffer valueStep = OffHeap.allocate(envs * 4L);
            UnsafeBuffer rewardStep = OffHeap.allocate(envs * 4L);
            UnsafeBuffer terminatedStep = OffHeap.allocate(envs);
            UnsafeBuffer truncatedStep = OffHeap.allocate(envs);
            UnsafeBuffer finalValueStep = OffHeap.allocate(envs * 4L);
            for (int t = 0; t < obs.length; t++) {
                for (int e = 0; e < envs; e++) {
                    for (int f = 0; f < OBS_DIM; f++) {
                        obsStep.putFloat((e * OBS_DIM + f) * 4, obs[t][e][f]);
                    }
                    actionStep.putInt(e * 4, actions[t][e]);
                    logProbStep.putFloat(e * 4, logProbs[t][e]);
                    valueStep.putFloat(e * 4, values[t][e]);
                    rewardStep.putFloat(e * 4, rewards[t][e]);
                    terminatedStep.putByte(e, (byte) (terminated[t][e] ? 1 : 0));
                    truncatedStep.putByte(e, (byte) (truncated[t][e] ? 1 : 0));
                    finalValueStep.putFloat(e * 4, finalValues[t][e]);
                }
                buffer.addStep(obsStep, actionStep, logProbStep, valueStep, rewardStep, terminatedStep,
                    truncatedStep, finalValueStep);
            }
        }

        UnsafeBuffer lastValuesBuffer() {
            UnsafeBuffer buffer = OffHeap.allocate(lastValues.length * 4L);
            for (int e = 0; e < lastValues.length; e++) {
                buffer.putFloat(e * 4, lastValues[e]);
            }
            return buffer;
        }

        /**
         * The advantage as the plain sum A_t = sum_l (gamma lambda)^l delta_{t+l}, summed until the
         * step that ends the episode, with delta using V(final obs) after a truncation and 0 after a
         * termination.
         */
        double referenceAdvantage(int t, int e, double gamma, double lambda) {
            double advantage = 0;
            double weight = 1;
            for (int s = t; s < obs.length; s++) {
                double nextValue;
                if (terminated[s][e]) {
                    nextValue = 0;
                } else if (truncated[s][e]) {
                    nextValue = finalValues[s][e];
                } else if (s == obs.length - 1) {
                    nextValue = lastValues[e];
                } else {
                    nextValue = values[s + 1][e];
                }
                double delta = rewards[s][e] + gamma * nextValue - values[s][e];
                advantage += weight * delta;
                if (terminated[s][e] || truncated[s][e]) {
                    break;
                }
                weight *= gamma * lambda;
            }
            return advantage;
        }
    }

    @Test
    void gaeMatchesTheSlowReferenceWithTerminationsAndTruncations() {
        int steps = 40;
        int envs = 6;
        float gamma = 0.97f;
        float lambda = 0.9f;
        Rollout data = new Rollout(steps, envs, 12);
        try (RolloutBuffer buffer = new RolloutBuffer(new RolloutBuffer.Config(steps, envs, OBS_DIM,
                ActionSpec.discreteIndex(), 60, 1))) {
            data.fill(buffer);
            buffer.computeAdvantagesInPlace(data.lastValuesBuffer(), gamma, lambda);
            int terminations = 0;
            int truncations = 0;
            for (int t = 0; t < steps; t++) {
                for (int e = 0; e < envs; e++) {
                    double expected = data.referenceAdvantage(t, e, gamma, lambda);
                    assertEquals(expected, buffer.advantage(t, e), 1e-4 * Math.max(1, Math.abs(expected)),
                        "advantage at t=" + t + " env " + e);
                    assertEquals(expected + data.values[t][e], buffer.returnValue(t, e),
                        1e-4 * Math.max(1, Math.abs(expected)), "return at t=" + t + " env " + e);
                    terminations += data.terminated[t][e] ? 1 : 0;
                    truncations += data.truncated[t][e] ? 1 : 0;
                }
            }
            assertTrue(terminations > 5 && truncations > 5, terminations + " terminations, " + truncations
                + " truncations");
            // the whole-rollout tensor views the same memory
            assertEquals(buffer.advantage(3, 2), buffer.advantages().get(3).get(2).item_float());
        }
    }

    @Test
    void minibatchesCoverEverySampleOncePerEpochWithItsData() {
        int steps = 8;
        int envs = 4;
        Rollout data = new Rollout(steps, envs, 3);
        try (RolloutBuffer buffer = new RolloutBuffer(new RolloutBuffer.Config(steps, envs, OBS_DIM,
                ActionSpec.discreteIndex(), 8, 42));
             RolloutMinibatch minibatch = new RolloutMinibatch(8, OBS_DIM, ActionSpec.discreteIndex())) {
            data.fill(buffer);
            buffer.computeAdvantagesInPlace(data.lastValuesBuffer(), 0.99f, 0.95f);
            int[] firstEpochOrder = new int[steps * envs];
            for (int epoch = 0; epoch < 2; epoch++) {
                boolean[] seen = new boolean[steps * envs];
                buffer.startEpoch();
                int row = 0;
                int minibatches = 0;
                while (buffer.nextMinibatch(minibatch)) {
                    minibatches++;
                    for (int i = 0; i < minibatch.size(); i++) {
                        int t = (int) minibatch.observation(i, 0);
                        int e = (int) minibatch.observation(i, 1);
                        int sample = t * envs + e;
                        assertFalse(seen[sample], "sample drawn twice in an epoch");
                        seen[sample] = true;
                        assertEquals(data.obs[t][e][2], minibatch.observation(i, 2));
                        assertEquals(data.actions[t][e], minibatch.discreteAction(i));
                        assertEquals(data.logProbs[t][e], minibatch.logProb(i));
                        assertEquals(data.values[t][e], minibatch.value(i));
                        assertEquals(buffer.advantage(t, e), minibatch.advantage(i));
                        assertEquals(buffer.returnValue(t, e), minibatch.returnValue(i));
                        if (epoch == 0) {
                            firstEpochOrder[row] = sample;
                        }
                        row++;
                    }
                }
                assertEquals(4, minibatches);
                for (boolean s : seen) {
                    assertTrue(s, "sample missed in an epoch");
                }
            }
            float sum = 0;
            for (int i = 0; i < minibatch.size(); i++) {
                sum += minibatch.advantage(i);
            }
            assertEquals(sum, minibatch.advantages().sum().item_float(), 1e-4);

            // same seed: same shuffled order
            try (RolloutBuffer again = new RolloutBuffer(new RolloutBuffer.Config(steps, envs, OBS_DIM,
                    ActionSpec.discreteIndex(), 8, 42))) {
                data.fill(again);
                again.computeAdvantagesInPlace(data.lastValuesBuffer(), 0.99f, 0.95f);
                again.startEpoch();
                int[] order = new int[steps * envs];
                int row = 0;
                while (again.nextMinibatch(minibatch)) {
                    for (int i = 0; i < minibatch.size(); i++) {
                        order[row++] = (int) minibatch.observation(i, 0) * envs + (int) minibatch.observation(i, 1);
                    }
                }
                assertArrayEquals(firstEpochOrder, order);
            }
        }
    }

    @Test
    void misuseIsAClearError() {
        assertThrows(UserInputException.class,
            () -> new RolloutBuffer.Config(0, 4, OBS_DIM, ActionSpec.discreteIndex(), 4, 1));
        assertThrows(UserInputException.class,
            () -> new RolloutBuffer.Config(8, 4, 0, ActionSpec.discreteIndex(), 4, 1));
        UserInputException minibatch = assertThrows(UserInputException.class,
            () -> new RolloutBuffer.Config(8, 4, OBS_DIM, ActionSpec.discreteIndex(), 5, 1));
        assertTrue(minibatch.getMessage().contains("divide"), minibatch.getMessage());
        Rollout data = new Rollout(4, 2, 1);
        try (RolloutBuffer buffer = new RolloutBuffer(new RolloutBuffer.Config(4, 2, OBS_DIM,
                ActionSpec.discreteIndex(), 4, 1))) {
            assertThrows(IllegalStateException.class,
                () -> buffer.computeAdvantagesInPlace(data.lastValuesBuffer(), 0.9f, 0.9f));
            assertThrows(IllegalStateException.class, buffer::startEpoch);
            data.fill(buffer);
            assertThrows(IllegalStateException.class, () -> data.fill(buffer));
        }
    }
}

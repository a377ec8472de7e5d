package io.rltrader.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.UserInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {
    private static final int OBS_DIM = 6;

    @Test
    void storesFinalObservationAsNextObservationWhereEpisodeEnded() {
        VecEnvFixture env = new VecEnvFixture(4, OBS_DIM, ActionSpec.discreteIndex(), 1, 0.2, 0.2);
        TransitionStore store = new TransitionStore(400, 4, OBS_DIM, ActionSpec.discreteIndex());
        env.stepInto(store, 50);
        int ended = 0;
        for (int e = 0; e < 4; e++) {
            List<VecEnvFixture.Transition> steps = env.history.get(e);
            for (int row = 0; row < 50; row++) {
                int slot = row * 4 + e;
                VecEnvFixture.Transition t = steps.get(row);
                assertArrayEquals(t.obs(), observation(store, slot), 0f);
                assertArrayEquals(t.nextObs(), nextObservation(store, slot), 0f, "slot " + slot);
                assertEquals(t.discreteAction(), store.discreteAction(slot));
                assertEquals(t.reward(), store.reward(slot));
                assertEquals(t.terminated(), store.terminated(slot));
                assertEquals(t.truncated(), store.truncated(slot));
                if (t.terminated() || t.truncated()) {
                    ended++;
                    // same episode id and one step further: the real last observation, not the reset one
                    assertEquals(t.obs()[1], store.nextObservation(slot, 1));
                    assertEquals(t.obs()[2] + 1, store.nextObservation(slot, 2));
                }
            }
        }
        assertTrue(ended > 10, "fixture must produce episode ends, got " + ended);
    }

    @Test
    void ringKeepsTheNewestRowsAfterWrapAround() {
        VecEnvFixture env = new VecEnvFixture(3, OBS_DIM, ActionSpec.continuous(2), 2, 0.1, 0.1);
        TransitionStore store = new TransitionStore(12, 3, OBS_DIM, ActionSpec.continuous(2));
        assertEquals(4, store.rowCapacity());
        env.stepInto(store, 10);
        assertEquals(12, store.size());
        assertTrue(store.wrapped());
        assertEquals(10 % 4, store.oldestRow());
        assertEquals(9 % 4, store.newestRow());
        for (int row = 6; row < 10; row++) {
            for (int e = 0; e < 3; e++) {
                int slot = (row % 4) * 3 + e;
                VecEnvFixture.Transition t = env.history.get(e).get(row);
                assertEquals(row, (int) store.observation(slot, 3), "slot " + slot + " holds env row");
                assertArrayEquals(t.obs(), observation(store, slot), 0f);
                assertEquals(t.continuousAction()[1], store.continuousAction(slot, 1));
            }
        }
    }

    @Test
    void capacityIsRoundedUpToWholeEnvSteps() {
        TransitionStore store = new TransitionStore(10, 4, OBS_DIM, ActionSpec.discreteIndex());
        assertEquals(3, store.rowCapacity());
        assertEquals(12, store.capacity());
    }

    @Test
    void samplingNeverReturnsAnUnwrittenSlot() {
        VecEnvFixture env = new VecEnvFixture(4, OBS_DIM, ActionSpec.discreteIndex(), 3, 0.1, 0.05);
        ReplayBuffer replay = new ReplayBuffer(ReplayBuffer.Config.of(1000, 4, OBS_DIM, ActionSpec.discreteIndex())
            .withNStep(3, 0.9f).withSeed(11));
        env.stepInto(replay, 5);
        try (TransitionBatch batch = new TransitionBatch(16, OBS_DIM, ActionSpec.discreteIndex())) {
            for (int round = 0; round < 200; round++) {
                replay.sample(batch);
                for (int i = 0; i < batch.size(); i++) {
                    assertTrue(batch.index(i) < replay.size(), "sampled slot " + batch.index(i));
                    assertTrue(batch.observation(i, 0) >= 1f, "unwritten observation sampled");
                    assertTrue(batch.nextObservation(i, 0) >= 1f, "unwritten next observation sampled");
                }
            }
        }
    }

    @Test
    void nStepReturnsMatchReferenceAcrossEpisodeEndsAndWrapAround() {
        int numEnvs = 3;
        int nStep = 4;
        float gamma = 0.9f;
        VecEnvFixture env = new VecEnvFixture(numEnvs, OBS_DIM, ActionSpec.discreteIndex(), 4, 0.12, 0.12);
        ReplayBuffer replay = new ReplayBuffer(ReplayBuffer.Config.of(90, numEnvs, OBS_DIM,
            ActionSpec.discreteIndex()).withNStep(nStep, gamma).withSeed(5));
        env.stepInto(replay, 77);
        int newestRow = env.rows() - 1;
        int terminalsSeen = 0;
        int truncationsSeen = 0;
        int shortened = 0;
        try (TransitionBatch batch = new TransitionBatch(64, OBS_DIM, ActionSpec.discreteIndex())) {
            for (int round = 0; round < 40; round++) {
                replay.sample(batch);
                for (int i = 0; i < batch.size(); i++) {
                    int e = (int) batch.observation(i, 0) - 1;
                    int row = (int) batch.observation(i, 3);
                    List<VecEnvFixture.Transition> steps = env.history.get(e);
                    double expectedReturn = 0;
                    double expectedDiscount = 1;
                    int last = row;
                    for (int k = 0; k < nStep && row + k <= newestRow; k++) {
                        VecEnvFixture.Transition t = steps.get(row + k);
                        expectedReturn += Math.pow(gamma, k) * t.reward();
                        expectedDiscount = Math.pow(gamma, k + 1);
                        last = row + k;
                        if (t.terminated()) {
                            expectedDiscount = 0;
                            terminalsSeen++;
                            break;
                        }
                        if (t.truncated()) {
                            truncationsSeen++;
                            break;
                        }
                    }
                    if (last - row + 1 < nStep && expectedDiscount != 0 && !steps.get(last).truncated()) {
                        shortened++;
                    }
                    assertEquals(expectedReturn, batch.reward(i), 1e-5, "n-step reward");
                    assertEquals(expectedDiscount, batch.discount(i), 1e-6, "discount");
                    assertArrayEquals(steps.get(last).nextObs(), nextObservation(batch, i), 0f);
                    assertEquals(steps.get(row).discreteAction(), batch.discreteAction(i));
                    // never spans a reset: the bootstrap observation is in the same episode
                    assertEquals(batch.observation(i, 1), batch.nextObservation(i, 1));
                }
            }
        }
        assertTrue(terminalsSeen > 0 && truncationsSeen > 0 && shortened > 0,
            "reference cases covered: terminals " + terminalsSeen + ", truncations " + truncationsSeen
                + ", windows cut at the newest step " + shortened);
    }

    @Test
    void sameSeedGivesIdenticalSamplesAndAnotherSeedDiffers() {
        long[] first = sampleSequence(99);
        long[] second = sampleSequence(99);
        long[] other = sampleSequence(100);
        assertArrayEquals(first, second);
        assertFalse(java.util.Arrays.equals(first, other));
    }

    private static long[] sampleSequence(long seed) {
        VecEnvFixture env = new VecEnvFixture(2, OBS_DIM, ActionSpec.discreteIndex(), 7, 0.1, 0.1);
        ReplayBuffer replay = new ReplayBuffer(ReplayBuffer.Config.of(100, 2, OBS_DIM, ActionSpec.discreteIndex())
            .withSeed(seed));
        env.stepInto(replay, 60);
        long[] drawn = new long[5 * 8];
        try (TransitionBatch batch = new TransitionBatch(8, OBS_DIM, ActionSpec.discreteIndex())) {
            for (int round = 0; round < 5; round++) {
                replay.sample(batch);
                for (int i = 0; i < 8; i++) {
                    drawn[round * 8 + i] = batch.index(i);
                }
            }
        }
        return drawn;
    }

    @Test
    void batchTensorsViewTheBatchMemory() {
        VecEnvFixture env = new VecEnvFixture(2, OBS_DIM, ActionSpec.discreteIndex(), 8, 0.1, 0.1);
        ReplayBuffer replay = new ReplayBuffer(ReplayBuffer.Config.of(100, 2, OBS_DIM, ActionSpec.discreteIndex()));
        env.stepInto(replay, 20);
        try (TransitionBatch batch = new TransitionBatch(8, OBS_DIM, ActionSpec.discreteIndex())) {
            replay.sample(batch);
            double expected = 0;
            long actionSum = 0;
            for (int i = 0; i < 8; i++) {
                for (int f = 0; f < OBS_DIM; f++) {
                    expected += batch.observation(i, f);
                }
                actionSum += batch.discreteAction(i);
            }
            assertEquals(expected, batch.observations().sum().item_float(), 1e-3);
            assertEquals(actionSum, batch.actions().sum().item_long());
            batch.observationsMemory().putFloat(0, 1234.5f);
            assertEquals(1234.5f, batch.observations().get(0).get(0).item_float());
            assertEquals(batch.observationsMemory().addressOffset(), batch.observations().data_ptr().address());
        }
    }

    @Test
    void badConfigurationIsAClearError() {
        UserInputException capacity = assertThrows(UserInputException.class,
            () -> ReplayBuffer.Config.of(0, 1, OBS_DIM, ActionSpec.discreteIndex()));
        assertTrue(capacity.getMessage().contains("capacity"), capacity.getMessage());
        UserInputException obsDim = assertThrows(UserInputException.class,
            () -> ReplayBuffer.Config.of(10, 1, 0, ActionSpec.discreteIndex()));
        assertTrue(obsDim.getMessage().contains("obsDim"), obsDim.getMessage());
        assertThrows(UserInputException.class, () -> ActionSpec.continuous(0));
        assertThrows(UserInputException.class,
            () -> ReplayBuffer.Config.of(10, 1, OBS_DIM, ActionSpec.discreteIndex()).withNStep(0, 0.9f));

        ReplayBuffer replay = new ReplayBuffer(ReplayBuffer.Config.of(100, 2, OBS_DIM, ActionSpec.discreteIndex()));
        new VecEnvFixture(2, OBS_DIM, ActionSpec.discreteIndex(), 9, 0.1, 0.1).stepInto(replay, 3);
        try (TransitionBatch batch = new TransitionBatch(8, OBS_DIM, ActionSpec.discreteIndex())) {
            IllegalStateException tooBig = assertThrows(IllegalStateException.class, () -> replay.sample(batch));
            assertTrue(tooBig.getMessage().contains("batch of 8 from 6"), tooBig.getMessage());
        }
        try (TransitionBatch wrongShape = new TransitionBatch(2, OBS_DIM + 1, ActionSpec.discreteIndex())) {
            assertThrows(IllegalArgumentException.class, () -> replay.sample(wrongShape));
        }
        VecEnvFixture threeEnvs = new VecEnvFixture(3, OBS_DIM, ActionSpec.discreteIndex(), 9, 0.1, 0.1);
        threeEnvs.step();
        assertThrows(IllegalArgumentException.class, () -> replay.addBatch(3, threeEnvs.obs, threeEnvs.actions,
            threeEnvs.rewards, threeEnvs.nextObs, threeEnvs.finalObs, threeEnvs.terminated, threeEnvs.truncated));
        assertNotEquals(0, replay.size());
    }

    static float[] observation(TransitionStore store, int slot) {
        float[] o = new float[store.obsDim()];
        for (int f = 0; f < o.length; f++) {
            o[f] = store.observation(slot, f);
        }
        return o;
    }

    static float[] nextObservation(TransitionStore store, int slot) {
        float[] o = new float[store.obsDim()];
        for (int f = 0; f < o.length; f++) {
            o[f] = store.nextObservation(slot, f);
        }
        return o;
    }

    static float[] nextObservation(TransitionBatch batch, int row) {
        float[] o = new float[batch.obsDim()];
        for (int f = 0; f < o.length; f++) {
            o[f] = batch.nextObservation(row, f);
        }
        return o;
    }
}

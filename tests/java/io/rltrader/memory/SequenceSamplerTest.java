package io.rltrader.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceSamplerTest {
    private static final int OBS_DIM = 4;
    private static final int K = 5;

    @Test
    void windowsStayInsideOneCompleteEpisodeWithReturnToGoAndTimestep() {
        int numEnvs = 3;
        VecEnvFixture env = new VecEnvFixture(numEnvs, OBS_DIM, ActionSpec.discreteIndex(), 31, 0.06, 0.04);
        // 40 rows kept of 100 written: the ring has wrapped, so each env's oldest episode is partial
        TransitionStore store = new TransitionStore(40 * numEnvs, numEnvs, OBS_DIM, ActionSpec.discreteIndex());
        env.stepInto(store, 100);
        SequenceSampler sampler = new SequenceSampler(store, K, 9);
        sampler.indexEpisodesInPlace();
        assertTrue(sampler.windowCount() > 10, "windows found: " + sampler.windowCount());
        int firstKeptRow = 100 - 40;
        try (SequenceBatch batch = new SequenceBatch(32, K, OBS_DIM, ActionSpec.discreteIndex())) {
            for (int round = 0; round < 30; round++) {
                sampler.sample(batch);
                for (int b = 0; b < batch.size(); b++) {
                    int e = (int) batch.observation(b, 0, 0) - 1;
                    int startRow = (int) batch.observation(b, 0, 3);
                    List<VecEnvFixture.Transition> steps = env.history.get(e);
                    float episode = batch.observation(b, 0, 1);
                    int episodeStart = startRow - (int) batch.observation(b, 0, 2);
                    assertTrue(episodeStart >= firstKeptRow, "episode start was overwritten");
                    int episodeEnd = startRow;
                    while (!steps.get(episodeEnd).terminated() && !steps.get(episodeEnd).truncated()) {
                        episodeEnd++;
                        assertTrue(episodeEnd < env.rows(), "window from an unfinished episode");
                    }
                    for (int k = 0; k < K; k++) {
                        int row = startRow + k;
                        VecEnvFixture.Transition t = steps.get(row);
                        assertEquals(episode, batch.observation(b, k, 1), "window crosses an episode boundary");
                        assertEquals(row, (int) batch.observation(b, k, 3));
                        assertEquals(row - episodeStart, batch.timestep(b, k));
                        assertEquals(t.reward(), batch.reward(b, k));
                        assertEquals(t.terminated() ? 1f : 0f, batch.terminal(b, k));
                        assertEquals(t.nextObs()[3], batch.nextObservation(b, k, 3));
                        double returnToGo = 0;
                        for (int r = row; r <= episodeEnd; r++) {
                            returnToGo += steps.get(r).reward();
                        }
                        assertEquals(returnToGo, batch.returnToGo(b, k), 1e-4, "return-to-go");
                    }
                }
            }
            assertEquals(batch.timestep(0, 1), batch.timesteps().get(0).get(1).item_long());
        }
    }

    @Test
    void windowCountMatchesEpisodeLengths() {
        VecEnvFixture env = new VecEnvFixture(2, OBS_DIM, ActionSpec.continuous(2), 5, 0.1, 0.05);
        TransitionStore store = new TransitionStore(2 * 200, 2, OBS_DIM, ActionSpec.continuous(2));
        env.stepInto(store, 150);
        SequenceSampler sampler = new SequenceSampler(store, K, 1);
        sampler.indexEpisodesInPlace();
        int expected = 0;
        for (List<VecEnvFixture.Transition> steps : env.history) {
            int length = 0;
            for (VecEnvFixture.Transition t : steps) {
                length++;
                if (t.terminated() || t.truncated()) {
                    expected += Math.max(0, length - K + 1);
                    length = 0;
                }
            }
        }
        assertEquals(expected, sampler.windowCount());
    }

    @Test
    void samplingAStaleIndexOrWithoutEpisodesIsAnError() {
        VecEnvFixture env = new VecEnvFixture(1, OBS_DIM, ActionSpec.discreteIndex(), 5, 0.0, 0.0);
        TransitionStore store = new TransitionStore(50, 1, OBS_DIM, ActionSpec.discreteIndex());
        env.stepInto(store, 20);
        SequenceSampler sampler = new SequenceSampler(store, K, 1);
        sampler.indexEpisodesInPlace();
        try (SequenceBatch batch = new SequenceBatch(2, K, OBS_DIM, ActionSpec.discreteIndex())) {
            IllegalStateException none = assertThrows(IllegalStateException.class, () -> sampler.sample(batch));
            assertTrue(none.getMessage().contains("no complete episode"), none.getMessage());
            env.stepInto(store, 1);
            assertThrows(IllegalStateException.class, () -> sampler.sample(batch));
        }
    }
}

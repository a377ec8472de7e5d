package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.nn.CheckpointFiles;
import io.rltrader.nn.SafeTensorsFile;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.nio.file.Path;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SAC checkpoints: resume is bit-identical (weights, temperature, optimizers, generators); names are SB3-like. */
class SacCheckpointTest {
    static final int OBS = 5;
    static final int ACTIONS = 2;

    @TempDir
    Path tmp;

    private static SacAgent.Config config() {
        return new SacAgent.Config(List.of(16, 12), 1e-3, 100, 0, 8, 0.05, 0.9, 1, 1, "auto", 1, "auto", 7);
    }

    @Test
    void resumeFromCheckpointIsBitIdentical() {
        Path dir = tmp.resolve("ckpt");
        Rng data = new Rng(1);
        float[][] uninterrupted;
        Rng resumedData = new Rng(0);
        try (SacAgent agent = new SacAgent(OBS, ACTIONS, config())) {
            train(agent, data, 5);
            agent.save(dir);
            resumedData.restoreState(data.saveState());
            train(agent, data, 5);
            uninterrupted = state(agent);
        }
        try (SacAgent resumed = SacAgent.load(dir)) {
            assertEquals(5, resumed.updates());
            assertEquals(config(), resumed.config());
            train(resumed, resumedData, 5);
            float[][] after = state(resumed);
            for (int i = 0; i < after.length; i++) {
                assertArrayEquals(uninterrupted[i], after[i], "state " + i);
            }
        }
    }

    @Test
    void modelFileHoldsNamedTensorsAndWrongAlgorithmIsAClearError() {
        Path dir = tmp.resolve("named");
        try (SacAgent agent = new SacAgent(OBS, ACTIONS, config())) {
            agent.save(dir);
        }
        SafeTensorsFile model = SafeTensorsFile.read(dir.resolve(CheckpointFiles.MODEL_FILE));
        model.requireTensor("actor.0.weight", SafeTensorsFile.DType.F32, 16, OBS);
        model.requireTensor("actor.2.bias", SafeTensorsFile.DType.F32, 2 * ACTIONS);
        model.requireTensor("critic.q2.0.weight", SafeTensorsFile.DType.F32, 16, OBS + ACTIONS);
        model.requireTensor("log_ent_coef", SafeTensorsFile.DType.F32, 1);
        assertEquals("sac", model.metadata().get("algorithm"));
        UserInputException wrong = assertThrows(UserInputException.class, () -> Td3Agent.load(dir));
        assertTrue(wrong.getMessage().contains("sac") && wrong.getMessage().contains("td3"), wrong.getMessage());
    }

    static void train(OffPolicyAgent agent, Rng data, int updates) {
        for (int i = 0; i < updates; i++) {
            ActorCriticReference.fillBatch(agent.batch(), data);
            agent.update();
        }
    }

    private static float[][] state(SacAgent agent) {
        return new float[][] {agent.actorWeights(), agent.criticWeights(), agent.targetCriticWeights(),
            {(float) agent.entCoef()}, explore(agent, OBS, ACTIONS)};
    }

    /** Actions of a stochastic policy over fixed observations: the exploration generator's state. */
    static float[] explore(OffPolicyAgent agent, int obs, int actionDim) {
        int rows = 6;
        UnsafeBuffer observations = OffHeap.allocate((long) rows * obs * Float.BYTES);
        UnsafeBuffer actions = OffHeap.allocate((long) rows * actionDim * Float.BYTES);
        Rng rng = new Rng(3);
        for (int i = 0; i < rows * obs; i++) {
            observations.putFloat(i * 4, (float) rng.nextGaussian());
        }
        float[] out = new float[rows * actionDim * 3];
        try (OffPolicyAgent.BoundPolicy policy = agent.policy(observations, rows)) {
            for (int round = 0; round < 3; round++) {
                policy.act(actions, 0.3);
                for (int i = 0; i < rows * actionDim; i++) {
                    out[round * rows * actionDim + i] = actions.getFloat(i * 4);
                }
            }
        }
        return out;
    }
}

package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.nn.CheckpointFiles;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.SafeTensorsFile;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IQN checkpoints: resume (weights, optimizer, both generators) is bit-identical; the registry builds IQN. */
class IqnCheckpointTest {
    private static final int OBS = 5;
    private static final int ACTIONS = 3;

    @TempDir
    Path tmp;

    private static IqnAgent.Config config() {
        return new IqnAgent.Config(new int[] {16, 12}, 8, 6, 5, 4, 1.0, true, 1e-3, 0.9, 100, 8, 0, 1, 1, 2, 1.0,
            "linear", 1.0, 0.05, 0.5, 0.99, 1.0, 1, false, 0.6, 0.4, 3);
    }

    @Test
    void resumeFromCheckpointIsBitIdentical() {
        Path dir = tmp.resolve("iqn");
        Rng data = new Rng(2);
        Rng resumedData = new Rng(0);
        float[] uninterrupted;
        float[] uninterruptedTarget;
        int[] uninterruptedActions;
        try (IqnAgent agent = new IqnAgent(OBS, ACTIONS, config())) {
            for (int i = 0; i < 3; i++) {
                ReferenceUpdate.fillBatch(agent.batch(), data, ACTIONS);
                agent.update();
            }
            agent.save(dir);
            resumedData.restoreState(data.saveState());
            for (int i = 0; i < 3; i++) {
                ReferenceUpdate.fillBatch(agent.batch(), data, ACTIONS);
                agent.update();
            }
            uninterrupted = agent.onlineWeights();
            uninterruptedTarget = agent.targetWeights();
            uninterruptedActions = DqnCheckpointTest.explore(agent);
        }
        try (IqnAgent resumed = IqnAgent.load(dir, ComputeDevice.CPU)) {
            assertEquals(3, resumed.updates());
            for (int i = 0; i < 3; i++) {
                ReferenceUpdate.fillBatch(resumed.batch(), resumedData, ACTIONS);
                resumed.update();
            }
            assertArrayEquals(uninterrupted, resumed.onlineWeights());
            assertArrayEquals(uninterruptedTarget, resumed.targetWeights());
            assertArrayEquals(uninterruptedActions, DqnCheckpointTest.explore(resumed));
        }
        UserInputException wrong = assertThrows(UserInputException.class, () -> QrDqnAgent.load(dir,
            ComputeDevice.CPU));
        assertTrue(wrong.getMessage().contains("iqn"), wrong.getMessage());
        SafeTensorsFile model = SafeTensorsFile.read(dir.resolve(CheckpointFiles.MODEL_FILE));
        model.requireTensor("embedding.weight", SafeTensorsFile.DType.F32, 16, 8);
        model.requireTensor("head.1.bias", SafeTensorsFile.DType.F32, ACTIONS);
    }

    @Test
    void registryCreatesSavesAndLoadsIqn() {
        Path dir = tmp.resolve("registry");
        assertEquals(IqnAgent.ALGORITHM, Agents.algorithm("iqn"));
        assertEquals(32, Agents.defaults("iqn").get("quantiles").intValue());
        try (OffPolicyAgent agent = Agents.create("iqn", OBS, ACTIONS,
                AgentCheckpoints.JSON.valueToTree(config()), ComputeDevice.CPU)) {
            assertTrue(agent instanceof IqnAgent);
            agent.save(dir);
            try (OffPolicyAgent loaded = Agents.load("iqn", dir, ComputeDevice.CPU)) {
                assertArrayEquals(((IqnAgent) agent).onlineWeights(), ((IqnAgent) loaded).onlineWeights());
            }
        }
    }

    @Test
    void invalidSettingsNameTheField() {
        UserInputException e = assertThrows(UserInputException.class, () -> new IqnAgent.Config(new int[] {16}, 8,
            0, 5, 4, 1.0, false, 1e-3, 0.9, 100, 8, 0, 1, 1, 2, 1.0, "linear", 1.0, 0.05, 0.5, 0.99, 1.0, 1, false,
            0.6, 0.4, 3));
        assertTrue(e.getMessage().contains("iqn config quantiles"), e.getMessage());
    }
}

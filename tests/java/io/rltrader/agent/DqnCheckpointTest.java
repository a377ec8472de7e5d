package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rltrader.nn.CheckpointFiles;
import io.rltrader.nn.SafeTensorsFile;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DQN checkpoints: resume is bit-identical; wrong or damaged checkpoints are clear errors. */
class DqnCheckpointTest {
    private static final int OBS = 5;
    private static final int ACTIONS = 3;

    @TempDir
    Path tmp;

    private static DqnAgent.Config config() {
        return new DqnAgent.Config(new int[] {16, 12}, true, false, 1e-3, 0.9, 100, 8, 0, 1, 1, 3, 1.0, "linear",
            1.0, 0.05, 0.5, 0.99, "huber", 1.0, 1.0, 1, false, 0.6, 0.4, 7);
    }

    @Test
    void resumeFromCheckpointIsBitIdentical() {
        Path dir = tmp.resolve("ckpt");
        Rng data = new Rng(1);
        float[] uninterruptedOnline;
        float[] uninterruptedTarget;
        int[] uninterruptedActions;
        Rng resumedData;
        try (DqnAgent agent = new DqnAgent(OBS, ACTIONS, config())) {
            for (int i = 0; i < 5; i++) {
                DqnUpdateParityTest.fillBatch(agent.batch(), data);
                agent.update();
            }
            agent.save(dir);
            resumedData = new Rng(0);
            resumedData.restoreState(data.saveState());
            for (int i = 0; i < 5; i++) {
                DqnUpdateParityTest.fillBatch(agent.batch(), data);
                agent.update();
            }
            uninterruptedOnline = agent.onlineWeights();
            uninterruptedTarget = agent.targetWeights();
            uninterruptedActions = explore(agent);
        }
        try (DqnAgent resumed = DqnAgent.load(dir)) {
            assertEquals(5, resumed.updates());
            assertEquals(config(), resumed.config());
            for (int i = 0; i < 5; i++) {
                DqnUpdateParityTest.fillBatch(resumed.batch(), resumedData);
                resumed.update();
            }
            assertArrayEquals(uninterruptedOnline, resumed.onlineWeights());
            assertArrayEquals(uninterruptedTarget, resumed.targetWeights());
            assertArrayEquals(uninterruptedActions, explore(resumed), "exploration generator restored");
        }
    }

    @Test
    void qrDqnResumeFromCheckpointIsBitIdentical() {
        Path dir = tmp.resolve("qr");
        QrDqnAgent.Config config = QrDqnAgent.Config.defaults().withSeed(3);
        Rng data = new Rng(2);
        float[] uninterrupted;
        Rng resumedData = new Rng(0);
        try (QrDqnAgent agent = new QrDqnAgent(OBS, ACTIONS, config)) {
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
        }
        try (QrDqnAgent resumed = QrDqnAgent.load(dir, io.rltrader.nn.ComputeDevice.CPU)) {
            for (int i = 0; i < 3; i++) {
                ReferenceUpdate.fillBatch(resumed.batch(), resumedData, ACTIONS);
                resumed.update();
            }
            assertArrayEquals(uninterrupted, resumed.onlineWeights());
        }
        UserInputException wrong = assertThrows(UserInputException.class, () -> DqnAgent.load(dir));
        assertTrue(wrong.getMessage().contains("qr-dqn"), wrong.getMessage());
    }

    @Test
    void modelFileHoldsNamedTensorsInSafetensorsLayout() {
        Path dir = tmp.resolve("named");
        try (DqnAgent agent = new DqnAgent(OBS, ACTIONS, config())) {
            agent.save(dir);
        }
        SafeTensorsFile model = SafeTensorsFile.read(dir.resolve(CheckpointFiles.MODEL_FILE));
        model.requireTensor("q.0.weight", SafeTensorsFile.DType.F32, 16, OBS);
        model.requireTensor("q.2.bias", SafeTensorsFile.DType.F32, ACTIONS);
        assertEquals("dqn", model.metadata().get("algorithm"));
    }

    @Test
    void wrongAlgorithmMissingDirectoryAndWrongShapeAreClearErrors() throws Exception {
        Path dir = tmp.resolve("c");
        try (DqnAgent agent = new DqnAgent(OBS, ACTIONS, config())) {
            agent.save(dir);
        }
        Path configFile = dir.resolve(CheckpointFiles.CONFIG_FILE);
        String original = Files.readString(configFile);

        ObjectMapper json = new ObjectMapper();
        ObjectNode edited = (ObjectNode) json.readTree(original);
        edited.put("algorithm", "ppo");
        Files.writeString(configFile, json.writeValueAsString(edited));
        UserInputException algorithm = assertThrows(UserInputException.class, () -> DqnAgent.load(dir));
        assertTrue(algorithm.getMessage().contains("ppo") && algorithm.getMessage().contains("dqn"), algorithm.getMessage());

        edited = (ObjectNode) json.readTree(original);
        ArrayNode hidden = (ArrayNode) edited.get("config").get("agent").get("hidden");
        hidden.set(0, 32);
        Files.writeString(configFile, json.writeValueAsString(edited));
        UserInputException shape = assertThrows(UserInputException.class, () -> DqnAgent.load(dir));
        assertTrue(shape.getMessage().contains("q.0.weight") && shape.getMessage().contains("[32, 5]"),
            shape.getMessage());

        edited = (ObjectNode) json.readTree(original);
        ((ObjectNode) edited.get("config").get("agent")).put("gamma", 7.0);
        Files.writeString(configFile, json.writeValueAsString(edited));
        UserInputException badConfig = assertThrows(UserInputException.class, () -> DqnAgent.load(dir));
        assertTrue(badConfig.getMessage().contains("gamma"), badConfig.getMessage());

        UserInputException missing = assertThrows(UserInputException.class,
            () -> DqnAgent.load(tmp.resolve("nowhere")));
        assertTrue(missing.getMessage().contains("nowhere"), missing.getMessage());
    }

    @Test
    void nonFiniteWeightsAreRefused() throws Exception {
        Path dir = tmp.resolve("nan");
        try (DqnAgent agent = new DqnAgent(OBS, ACTIONS, config())) {
            agent.save(dir);
        }
        Path modelFile = dir.resolve(CheckpointFiles.MODEL_FILE);
        SafeTensorsFile model = SafeTensorsFile.read(modelFile);
        SafeTensorsFile.Writer rewritten = new SafeTensorsFile.Writer();
        for (SafeTensorsFile.Entry e : model.entries().values()) {
            float[] values = e.toFloatArray();
            if (e.name().equals("q.1.bias")) {
                values[2] = Float.NaN;
            }
            rewritten.add(e.name(), e.shape(), values);
        }
        rewritten.writeAtomically(modelFile);
        UserInputException error = assertThrows(UserInputException.class, () -> DqnAgent.load(dir));
        assertTrue(error.getMessage().contains("q.1.bias") && error.getMessage().contains("NaN"), error.getMessage());
    }

    /** Epsilon-greedy actions for 6 fixed observations, 4 rounds: every generator the policy draws from advances. */
    static int[] explore(OffPolicyAgent agent) {
        int rows = 6;
        UnsafeBuffer obs = OffHeap.allocate((long) rows * OBS * Float.BYTES);
        UnsafeBuffer actions = OffHeap.allocate((long) rows * Integer.BYTES);
        Rng rng = new Rng(3);
        for (int i = 0; i < rows * OBS; i++) {
            obs.putFloat(i * 4, (float) rng.nextGaussian());
        }
        int[] out = new int[rows * 4];
        try (OffPolicyAgent.BoundPolicy policy = agent.policy(obs, rows)) {
            for (int round = 0; round < 4; round++) {
                policy.act(actions, 0.5);
                for (int r = 0; r < rows; r++) {
                    out[round * rows + r] = actions.getInt(r * 4);
                }
            }
        }
        return out;
    }
}

package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rltrader.nn.CheckpointFiles;
import io.rltrader.nn.SafeTensorsFile;
import io.rltrader.util.Rng;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TD3 checkpoints: resume is bit-identical, also across the policy delay (saved after an odd update). */
class Td3CheckpointTest {
    private static final int OBS = SacCheckpointTest.OBS;
    private static final int ACTIONS = SacCheckpointTest.ACTIONS;

    @TempDir
    Path tmp;

    private static Td3Agent.Config config() {
        return new Td3Agent.Config(List.of(16, 12), 1e-3, 100, 0, 8, 0.05, 0.9, 1, 1, 2, 0.2, 0.5, 0.1, 7);
    }

    @Test
    void resumeFromCheckpointIsBitIdentical() {
        Path dir = tmp.resolve("ckpt");
        Rng data = new Rng(1);
        float[][] uninterrupted;
        Rng resumedData = new Rng(0);
        try (Td3Agent agent = new Td3Agent(OBS, ACTIONS, config())) {
            SacCheckpointTest.train(agent, data, 5);
            agent.save(dir);
            resumedData.restoreState(data.saveState());
            SacCheckpointTest.train(agent, data, 5);
            uninterrupted = state(agent);
        }
        try (Td3Agent resumed = Td3Agent.load(dir)) {
            assertEquals(5, resumed.updates());
            assertEquals(config(), resumed.config());
            SacCheckpointTest.train(resumed, resumedData, 5);
            float[][] after = state(resumed);
            for (int i = 0; i < after.length; i++) {
                assertArrayEquals(uninterrupted[i], after[i], "state " + i);
            }
        }
        SafeTensorsFile model = SafeTensorsFile.read(dir.resolve(CheckpointFiles.MODEL_FILE));
        model.requireTensor("actor.2.weight", SafeTensorsFile.DType.F32, ACTIONS, 12);
        model.requireTensor("critic.q1.2.weight", SafeTensorsFile.DType.F32, 1, 12);
        assertEquals("td3", model.metadata().get("algorithm"));
    }

    private static float[][] state(Td3Agent agent) {
        return new float[][] {agent.actorWeights(), agent.targetActorWeights(), agent.criticWeights(),
            agent.targetCriticWeights(), SacCheckpointTest.explore(agent, OBS, ACTIONS)};
    }
}

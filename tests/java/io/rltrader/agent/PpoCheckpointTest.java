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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * PPO and REINFORCE checkpoints: resuming PPO's collect/update cycle is bit-identical; wrong files are
 * clear errors.
 */
class PpoCheckpointTest {
    private static final int OBS = 5;
    private static final int ENVS = 4;
    private static final int STEPS = 8;

    @TempDir
    Path tmp;

    private static PpoAgent.Config config() {
        return new PpoAgent.Config(List.of(16, 12), "tanh", false, 1e-3, true, STEPS, 8, 3, 0.9, 0.95, 0.2, 0.5,
            true, 0.01, 0.5, 0.5, 0, -0.2, 1e-5, 7);
    }

    private static PpoAgent create(boolean continuous) {
        return continuous ? PpoAgent.continuous(OBS, 2, ENVS, config()) : PpoAgent.discrete(OBS, 3, ENVS, config());
    }

    /** Synthetic env memory: observations from {@code data}, rewards and episode ends too. */
    private static final class FakeEnv {
        final UnsafeBuffer observations = OffHeap.allocate(ENVS * OBS * 4L);
        final UnsafeBuffer finalObservations = OffHeap.allocate(ENVS * OBS * 4L);
        final UnsafeBuffer actions = OffHeap.allocate(ENVS * 2 * 4L);
        final UnsafeBuffer rewards = OffHeap.allocate(ENVS * 4L);
        final UnsafeBuffer terminated = OffHeap.allocate(ENVS);
        final UnsafeBuffer truncated = OffHeap.allocate(ENVS);

        /** One collect/update cycle of {@code agent} driven by {@code data}. */
        void cycle(PpoAgent agent, OnPolicyAgent.RolloutPolicy policy, Rng data) {
            agent.rollout().reset();
            for (int t = 0; t < STEPS; t++) {
                for (int i = 0; i < ENVS * OBS; i++) {
                    observations.putFloat(i * 4, (float) data.nextGaussian());
                    finalObservations.putFloat(i * 4, (float) data.nextGaussian());
                }
                policy.sample(actions);
                for (int e = 0; e < ENVS; e++) {
                    rewards.putFloat(e * 4, (float) data.nextGaussian());
                    double end = data.nextDouble();
                    terminated.putByte(e, (byte) (end < 0.1 ? 1 : 0));
                    truncated.putByte(e, (byte) (end > 0.9 ? 1 : 0));
                }
                agent.rollout().addStep(observations, policy.actions(), policy.logProbs(), policy.values(), rewards,
                    terminated, truncated, policy.finalValues());
            }
            agent.rollout().computeAdvantagesInPlace(policy.currentValues(), agent.gamma(), agent.gaeLambda());
            agent.setProgressRemaining(0.5);
            agent.update();
        }
    }

    @ParameterizedTest(name = "continuous={0}")
    @ValueSource(booleans = {false, true})
    void resumeFromCheckpointIsBitIdentical(boolean continuous) {
        Path dir = tmp.resolve("ckpt");
        FakeEnv env = new FakeEnv();
        Rng data = new Rng(1);
        Rng resumedData = new Rng(0);
        float[] uninterrupted;
        try (PpoAgent agent = create(continuous);
             OnPolicyAgent.RolloutPolicy policy = agent.rolloutPolicy(env.observations, env.finalObservations)) {
            for (int i = 0; i < 3; i++) {
                env.cycle(agent, policy, data);
            }
            agent.save(dir);
            resumedData.restoreState(data.saveState());
            for (int i = 0; i < 3; i++) {
                env.cycle(agent, policy, data);
            }
            uninterrupted = agent.weights();
        }
        try (PpoAgent resumed = PpoAgent.load(dir);
             OnPolicyAgent.RolloutPolicy policy = resumed.rolloutPolicy(env.observations, env.finalObservations)) {
            assertEquals(3, resumed.updates());
            assertEquals(config(), resumed.config());
            for (int i = 0; i < 3; i++) {
                env.cycle(resumed, policy, resumedData);
            }
            assertArrayEquals(uninterrupted, resumed.weights());
        }
    }

    @Test
    void modelFileHoldsNamedTensors() {
        Path dir = tmp.resolve("named");
        try (PpoAgent agent = create(true)) {
            agent.save(dir);
        }
        SafeTensorsFile model = SafeTensorsFile.read(dir.resolve(CheckpointFiles.MODEL_FILE));
        model.requireTensor("pi.0.weight", SafeTensorsFile.DType.F32, 16, OBS);
        model.requireTensor("pi.2.weight", SafeTensorsFile.DType.F32, 2, 12);
        model.requireTensor("vf.2.bias", SafeTensorsFile.DType.F32, 1);
        model.requireTensor("log_std", SafeTensorsFile.DType.F32, 2);
    }

    @Test
    void reinforceRoundTripsAndAlgorithmsAreNotMixedUp() {
        Path ppo = tmp.resolve("ppo");
        Path reinforce = tmp.resolve("reinforce");
        ReinforceAgent.Config config = new ReinforceAgent.Config(List.of(8), "relu", 1e-3, 4, 0.9, true, true, 0.5,
            0.0, 0, 1e-8, 3);
        try (PpoAgent agent = create(false)) {
            agent.save(ppo);
        }
        float[] weights;
        try (ReinforceAgent agent = new ReinforceAgent(OBS, 3, 2, config)) {
            weights = agent.weights();
            agent.save(reinforce);
        }
        try (ReinforceAgent loaded = ReinforceAgent.load(reinforce)) {
            assertArrayEquals(weights, loaded.weights());
            assertEquals(config, loaded.config());
        }
        UserInputException wrong = assertThrows(UserInputException.class, () -> ReinforceAgent.load(ppo));
        assertTrue(wrong.getMessage().contains("ppo"), wrong.getMessage());
        assertThrows(UserInputException.class, () -> PpoAgent.load(reinforce));
    }
}

package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rltrader.bench.ThreadAllocation;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The agents' updates and acting (SAC, TD3, DQN with every option, QR-DQN, IQN at their default
 * sizes) allocate nothing on the Java heap, counted exactly on the calling
 * thread ({@code getCurrentThreadAllocatedBytes}). The JMH gate cannot show this for the batch-256
 * update: at milliseconds per operation the allocation of JMH's own threads (about 11 bytes per
 * millisecond) dominates its bytes-per-op figure.
 */
class ActorCriticAllocationTest {
    private static final int OBS = 7;
    private static final int ROWS = 16;

    @Test
    void sacUpdateAndActingAllocateNothing() {
        SacAgent.Config config = new SacAgent.Config(List.of(32, 32), 1e-3, 100, 0, 16, 0.01, 0.9, 1, 1, "auto", 1,
            "auto", 5);
        try (SacAgent agent = new SacAgent(OBS, 2, config)) {
            assertAllocationFree(agent, 2);
        }
    }

    @Test
    void td3UpdateAndActingAllocateNothing() {
        Td3Agent.Config config = new Td3Agent.Config(List.of(32, 32), 1e-3, 100, 0, 16, 0.01, 0.9, 1, 1, 2, 0.2,
            0.5, 0.1, 5);
        try (Td3Agent agent = new Td3Agent(OBS, 2, config)) {
            assertAllocationFree(agent, 2);
        }
    }

    @Test
    void valueAgentUpdatesAndActingAllocateNothing() {
        DqnAgent.Config dqn = new DqnAgent.Config(new int[] {32, 32}, true, true, 1e-3, 0.9, 100, 16, 0, 1, 1, 7, 1.0,
            "linear", 1.0, 0.05, 0.5, 0.99, "huber", 1.0, 0.5, 1, true, 0.6, 0.4, 5);
        try (DqnAgent agent = new DqnAgent(OBS, 3, dqn)) {
            assertAllocationFree(agent, 1, rng -> ReferenceUpdate.fillBatch(agent.batch(), rng, 3));
        }
        try (QrDqnAgent agent = new QrDqnAgent(OBS, 3, QrDqnAgent.Config.defaults().withSeed(5))) {
            assertAllocationFree(agent, 1, rng -> ReferenceUpdate.fillBatch(agent.batch(), rng, 3));
        }
        try (IqnAgent agent = new IqnAgent(OBS, 3, IqnAgent.Config.defaults().withSeed(5))) {
            assertAllocationFree(agent, 1, rng -> ReferenceUpdate.fillBatch(agent.batch(), rng, 3));
        }
    }

    private static void assertAllocationFree(OffPolicyAgent agent, int actionDim) {
        assertAllocationFree(agent, actionDim, rng -> ActorCriticReference.fillBatch(agent.batch(), rng));
    }

    private static void assertAllocationFree(OffPolicyAgent agent, int actionDim,
                                             java.util.function.Consumer<Rng> fillBatch) {
        UnsafeBuffer observations = OffHeap.allocate((long) ROWS * OBS * Float.BYTES);
        UnsafeBuffer actions = OffHeap.allocate((long) ROWS * actionDim * Float.BYTES);
        Rng rng = new Rng(2);
        for (int i = 0; i < ROWS * OBS; i++) {
            observations.putFloat(i * 4, (float) rng.nextGaussian());
        }
        fillBatch.accept(rng);
        try (OffPolicyAgent.BoundPolicy policy = agent.policy(observations, ROWS)) {
            for (int i = 0; i < 200; i++) {
                agent.update();
                policy.act(actions, 0.5);
            }
            long bytes = ThreadAllocation.fewestBytes(3, () -> {
                for (int i = 0; i < 50; i++) {
                    agent.update();
                    policy.act(actions, 0.5);
                    policy.act(actions, 0.0);
                }
            });
            assertEquals(0, bytes, "bytes allocated by 50 updates and 100 acts");
        }
    }
}

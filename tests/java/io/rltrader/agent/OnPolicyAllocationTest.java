package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rltrader.bench.ThreadAllocation;
import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.train.OnPolicyTrainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Collection and update of PPO and REINFORCE allocate nothing on the Java heap once warm, measured
 * exactly with the thread's allocation counter (JMH's per-op figure is noisy for operations as long
 * as a full PPO update: its own per-iteration allocations divided by a handful of ops).
 */
class OnPolicyAllocationTest {
    @Test
    void ppoCollectionAndUpdateAllocateNothing() {
        SineTask task = new SineTask(3);
        DiscreteTradingEnv env = task.trainingEnv(8, 5);
        PpoAgent.Config config = new PpoAgent.Config(List.of(32, 32), "relu", true, 1e-3, true, 64, 128, 2, 0.9, 0.95,
            0.2, 0.3, true, 0.01, 0.5, 0.5, 0.05, 0, 1e-5, 1);
        try (PpoAgent agent = PpoAgent.discrete(env.observationSize(), DiscreteTradingEnv.ACTIONS, 8, config);
             OnPolicyTrainer trainer = new OnPolicyTrainer(agent, env)) {
            assertEquals(0, allocatedByCycles(agent, trainer));
        }
    }

    @Test
    void reinforceCollectionAndUpdateAllocateNothing() {
        SineTask task = new SineTask(3);
        DiscreteTradingEnv env = task.trainingEnv(4, 5);
        ReinforceAgent.Config config = new ReinforceAgent.Config(List.of(32), "tanh", 1e-3, 50, 0.9, true, true, 0.5,
            0.01, 0.5, 1e-5, 1);
        try (ReinforceAgent agent = new ReinforceAgent(env.observationSize(), DiscreteTradingEnv.ACTIONS, 4, config);
             OnPolicyTrainer trainer = new OnPolicyTrainer(agent, env)) {
            assertEquals(0, allocatedByCycles(agent, trainer));
        }
    }

    /**
     * The fewest bytes this thread allocates in a window of 3 collect/update cycles, over up to 10
     * windows after 20 warm-up cycles. A steady allocation shows in every window; a one-off of the
     * JVM's (a deoptimization re-creating objects the compiler had removed, under a loaded machine)
     * lands in one window only.
     */
    private static long allocatedByCycles(OnPolicyAgent agent, OnPolicyTrainer trainer) {
        for (int i = 0; i < 20; i++) {
            trainer.collect();
            agent.update();
        }
        return ThreadAllocation.fewestBytes(10, () -> {
            for (int i = 0; i < 3; i++) {
                agent.setProgressRemaining(0.5);
                trainer.collect();
                agent.update();
            }
        });
    }
}

package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.train.OnPolicyTrainer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PPO gets close to the known optimum of the sine task on held-out bars; 16 vectorized envs reach 80%
 * of it in less time than one; runs are reproducible. The held-out bars are evaluated as three 200-bar
 * episodes ({@link SineTask#EPISODE_SEGMENTS}), the training episodes' length.
 */
class PpoLearningTest {
    /** Rollouts of 1024 samples whatever the env count, so that only the collection differs. */
    static PpoAgent.Config taskConfig(int envs, long seed) {
        return new PpoAgent.Config(List.of(64, 64), "tanh", false, 1e-3, false, 1024 / envs, 256, 4, 0.5, 0.9, 0.2,
            0, true, 0.0, 0.5, 0.5, 0, 0.0, 1e-5, seed);
    }

    /**
     * Seconds of training (evaluation excluded) to reach the target, or -1 past {@code budget}. Measured
     * as this thread's CPU time: LibTorch runs on the calling thread (one intra-op thread), so on an
     * idle machine it equals wall-clock time, and on a shared one it does not count the time other
     * processes take (which made wall-clock comparisons flaky).
     */
    private static double secondsToTarget(SineTask task, int envs, double target, double budget, double[] reached) {
        DiscreteTradingEnv env = task.trainingEnv(envs, 5);
        try (PpoAgent agent = PpoAgent.discrete(env.observationSize(), DiscreteTradingEnv.ACTIONS, envs,
                taskConfig(envs, 11));
             OnPolicyTrainer trainer = new OnPolicyTrainer(agent, env)) {
            double seconds = 0;
            while (seconds <= budget) {
                long start = THREAD.getCurrentThreadCpuTime();
                trainer.run(1024, 0, null);
                seconds += (THREAD.getCurrentThreadCpuTime() - start) / 1e9;
                double learned = task.heldOutLogReturn(obs -> agent.policy(obs, 1), SineTask.EPISODE_SEGMENTS);
                reached[0] = learned;
                if (learned >= target) {
                    System.out.printf("ppo %d envs: %.3f (%.0f%% of target) after %d transitions, %.3f s%n", envs,
                        learned, 100 * learned / target, trainer.transitions(), seconds);
                    return seconds;
                }
            }
            System.out.printf("ppo %d envs: %.3f after %d transitions, %.2f s, target not reached%n", envs,
                reached[0], trainer.transitions(), seconds);
            return -1;
        }
    }

    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

    /**
     * The greedy policy of 16 envs must reach 98% of the oracle's held-out log return within 50
     * rollouts of 1024 transitions. 98% is above the near-trivial follow-the-last-return policy (about
     * 0.974, which SineTask.assertOnPolicyReaches checks is below it); 80% was not, and was reached after the first rollout. Seeds 11..18: first
     * at 98% after 17 to 21 rollouts (seed 11: 18), 0.984 to 0.988 after 30; one env: 7 to 22.
     */
    @Test
    void reachesNinetyEightPercentOfTheOracle() {
        SineTask.assertOnPolicyReaches("ppo", 0.98, 50, 1024,
            observations -> PpoAgent.discrete(observations, DiscreteTradingEnv.ACTIONS, 16, taskConfig(16, 11)),
            agent -> obs -> agent.policy(obs, 1));
    }

    /**
     * 16 envs reach 80% of the oracle in less time than one env. Both reach it after the first rollout
     * of 1024 transitions on every seed of 11..18, so this compares the CPU time of one rollout and
     * update (tens of milliseconds), collected from 16 envs at a time or one at a time; the learning
     * itself is {@link #reachesNinetyEightPercentOfTheOracle}'s. At 98% it would not work: the env
     * counts need different numbers of rollouts (seed 11: 18 with 16 envs, 7 with one).
     */
    @Test
    void sixteenEnvsReachEightyPercentOfTheOracleFaster() {
        SineTask task = new SineTask(3);
        // Warm up the JIT on both shapes so that neither measured run pays for compilation.
        secondsToTarget(task, 16, Double.POSITIVE_INFINITY, 0, new double[1]);
        secondsToTarget(task, 1, Double.POSITIVE_INFINITY, 0, new double[1]);
        double oracle = task.oracleLogReturn(SineTask.EPISODE_SEGMENTS);
        assertTrue(oracle > 1, "oracle log return " + oracle);
        double target = 0.8 * oracle;
        double[] reached = new double[1];
        double vectorized = secondsToTarget(task, 16, target, 12, reached);
        assertTrue(vectorized > 0, "16 envs: held-out log return " + reached[0] + " vs oracle " + oracle);
        // One env has to be slower; it is given a generous budget, so that a ratio can be reported.
        double single = secondsToTarget(task, 1, target, Math.max(3, 10 * vectorized), reached);
        System.out.printf("ppo time to 80%% of the oracle: 16 envs %.3f s, 1 env %s%n", vectorized,
            single < 0 ? "not within budget" : String.format("%.3f s (%.1fx)", single, single / vectorized));
        assertTrue(single < 0 || single > vectorized, "1 env reached the target in " + single + " s, 16 envs in "
            + vectorized + " s");
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        float[][] runs = new float[2][];
        for (int run = 0; run < 2; run++) {
            SineTask task = new SineTask(3);
            DiscreteTradingEnv env = task.trainingEnv(8, 5);
            try (PpoAgent agent = PpoAgent.discrete(env.observationSize(), DiscreteTradingEnv.ACTIONS, 8,
                    taskConfig(8, 21));
                 OnPolicyTrainer trainer = new OnPolicyTrainer(agent, env)) {
                trainer.run(3 * 1024, 0, null);
                assertTrue(agent.updates() == 3, "updates " + agent.updates());
                runs[run] = agent.weights();
            }
        }
        assertArrayEquals(runs[0], runs[1]);
    }
}

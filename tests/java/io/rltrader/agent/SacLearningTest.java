package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.env.ContinuousTradingEnv;
import io.rltrader.train.OffPolicyTrainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SAC finds the known optimum of the continuous sine task on held-out bars; runs are reproducible.
 * The optimum sits on the action bounds (+-1), where a maximum-entropy policy pays for certainty: at
 * SB3's default target entropy -dim(A) = -1 the squashed Gaussian keeps about e^-1 of the interval
 * and tanh(mu) settles near 0.9 (held-out ratio 0.87-0.89 in trials), so the task sets the target
 * entropy to -3 (a spread of about e^-3), as SB3 lets a user do.
 */
class SacLearningTest {
    static SacAgent.Config taskConfig(long seed) {
        return new SacAgent.Config(List.of(64, 64), 1e-3, 20_000, 1_000, 64, 0.01, 0.5, 1, 1, "auto", 1, "-3",
            seed);
    }

    @Test
    void reachesNinetyPercentOfTheOracleOnHeldOutBars() {
        ContinuousSineTask task = new ContinuousSineTask(3);
        ContinuousTradingEnv env = task.trainingEnv(4, 5);
        long start = System.nanoTime();
        try (SacAgent agent = new SacAgent(env.observationSize(), ContinuousTradingEnv.ACTION_SIZE, taskConfig(11));
             OffPolicyTrainer trainer = new OffPolicyTrainer(agent, env)) {
            trainer.run(40_000, 0, null);
            double learned = task.heldOutLogReturn(agent);
            double oracle = task.oracleLogReturn();
            System.out.printf("sac: held-out log return %.3f, oracle %.3f, ratio %.3f, alpha %.4f, %d updates"
                + " in %.1f s%n", learned, oracle, learned / oracle, agent.entCoef(), agent.updates(),
                (System.nanoTime() - start) / 1e9);
            assertTrue(oracle > 1, "oracle log return " + oracle);
            assertTrue(learned >= 0.9 * oracle, "held-out log return " + learned + " vs oracle " + oracle
                + " (ratio " + learned / oracle + ")");
        }
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        float[][] runs = new float[2][];
        for (int run = 0; run < 2; run++) {
            ContinuousSineTask task = new ContinuousSineTask(3);
            ContinuousTradingEnv env = task.trainingEnv(4, 5);
            try (SacAgent agent = new SacAgent(env.observationSize(), 1, taskConfig(21));
                 OffPolicyTrainer trainer = new OffPolicyTrainer(agent, env)) {
                trainer.run(3_000, 0, null);
                assertTrue(agent.updates() > 400, "updates " + agent.updates());
                runs[run] = agent.actorWeights();
            }
        }
        assertArrayEquals(runs[0], runs[1]);
    }
}

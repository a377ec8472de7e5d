package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.train.OffPolicyTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DQN and its variants find the known optimum of the sine task on held-out bars; runs are reproducible. */
class DqnLearningTest {
    static DqnAgent.Config taskConfig(boolean doubleQ, boolean dueling, long seed) {
        return new DqnAgent.Config(new int[] {64, 64}, doubleQ, dueling, 3e-4, 0.5, 20_000, 64, 1_000, 1, 1,
            1, 0.01, "linear", 1.0, 0.05, 0.3, 0.995, "huber", 1.0, 10.0, 1, false, 0.6, 0.4, seed);
    }

    @ParameterizedTest(name = "double={0} dueling={1}")
    @CsvSource({"false, false", "true, false", "false, true", "true, true"})
    void reachesEightyPercentOfTheOracleOnHeldOutBars(boolean doubleQ, boolean dueling) {
        SineTask task = new SineTask(3);
        DiscreteTradingEnv env = task.trainingEnv(8, 5);
        try (DqnAgent agent = new DqnAgent(env.observationSize(), DiscreteTradingEnv.ACTIONS,
                taskConfig(doubleQ, dueling, 11));
             OffPolicyTrainer trainer = new OffPolicyTrainer(agent, env)) {
            trainer.run(160_000, 0, null);
            double learned = task.heldOutLogReturn(agent);
            double oracle = task.oracleLogReturn();
            System.out.printf("dqn double=%s dueling=%s: held-out log return %.3f, oracle %.3f, ratio %.3f%n",
                doubleQ, dueling, learned, oracle, learned / oracle);
            assertTrue(oracle > 1, "oracle log return " + oracle);
            assertTrue(learned >= 0.8 * oracle, "held-out log return " + learned + " vs oracle " + oracle
                + " (ratio " + learned / oracle + ")");
        }
    }

    @Test
    void aDivergingRunStopsAtTheFirstNonFiniteLossNamingTheUpdate() {
        SineTask task = new SineTask(3);
        DiscreteTradingEnv env = task.trainingEnv(4, 5);
        DqnAgent.Config base = taskConfig(false, false, 2);
        // An absurd learning rate and no clipping blow the weights up within a few hundred updates.
        DqnAgent.Config diverging = new DqnAgent.Config(base.hidden(), false, false, 1e6, 0.99, 20_000, 64, 200, 1, 1,
            1, 1.0, "linear", 1.0, 0.05, 0.3, 0.995, "mse", 1.0, 0.0, 1, false, 0.6, 0.4, 2);
        try (DqnAgent agent = new DqnAgent(env.observationSize(), DiscreteTradingEnv.ACTIONS, diverging);
             OffPolicyTrainer trainer = new OffPolicyTrainer(agent, env)) {
            io.rltrader.util.UserInputException error = org.junit.jupiter.api.Assertions.assertThrows(
                io.rltrader.util.UserInputException.class, () -> trainer.run(40_000, 0, null));
            assertTrue(error.getMessage().contains("training stopped at update " + agent.updates()), error.getMessage());
            assertTrue(!Float.isFinite(agent.lastLoss()));
        }
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        float[][] runs = new float[2][];
        for (int run = 0; run < 2; run++) {
            SineTask task = new SineTask(3);
            DiscreteTradingEnv env = task.trainingEnv(4, 5);
            DqnAgent.Config config = taskConfig(true, false, 21);
            try (DqnAgent agent = new DqnAgent(env.observationSize(), DiscreteTradingEnv.ACTIONS, config);
                 OffPolicyTrainer trainer = new OffPolicyTrainer(agent, env)) {
                trainer.run(6_000, 0, null);
                assertTrue(agent.updates() > 1000, "updates " + agent.updates());
                runs[run] = agent.onlineWeights();
            }
        }
        assertArrayEquals(runs[0], runs[1]);
    }
}

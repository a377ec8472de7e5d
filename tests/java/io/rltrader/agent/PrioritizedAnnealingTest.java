package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.train.OffPolicyTrainer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Prioritized replay's beta anneals to 1 over the sample calls a trainer's run plans: the plan counts
 * exactly the sample calls the loop makes, and beta rises linearly along them.
 */
class PrioritizedAnnealingTest {
    private static DqnAgent agent(int observations, int batch, int learningStarts, int trainFrequency,
                                  int gradientSteps, boolean prioritized) {
        return new DqnAgent(observations, DiscreteTradingEnv.ACTIONS, new DqnAgent.Config(new int[] {8}, false, false,
            1e-3, 0.9, 2_000, batch, learningStarts, trainFrequency, gradientSteps, 100, 1.0, "linear", 1.0, 0.05,
            0.3, 0.995, "huber", 1.0, 10.0, 1, prioritized, 0.6, 0.4, 5L));
    }

    @ParameterizedTest(name = "envs={0} batch={1} starts={2} every={3} x{4} steps={5}")
    @CsvSource({
        "1, 16, 0, 1, 1, 300",
        "4, 16, 100, 1, 1, 1000",
        "5, 32, 0, 3, 2, 1003",
        "3, 64, 250, 4, 1, 997",
        "8, 16, 10, 2, 3, 64",
        "2, 16, 5000, 1, 1, 400"})
    void betaReachesOneAtTheLastPlannedSampleAndRisesLinearlyAlongTheRun(int envs, int batch, int learningStarts,
                                                                      int trainFrequency, int gradientSteps,
                                                                      long steps) {
        SineTask task = new SineTask(3);
        DiscreteTradingEnv env = task.trainingEnv(envs, 5);
        try (DqnAgent agent = agent(env.observationSize(), batch, learningStarts, trainFrequency, gradientSteps,
                 true);
             OffPolicyTrainer trainer = new OffPolicyTrainer(agent, env)) {
            long planned = trainer.plannedSamples(steps);
            List<double[]> checks = new ArrayList<>();
            trainer.run(steps, 0, null, 7L * envs,
                () -> checks.add(new double[] {agent.updates(), trainer.priorityBeta()}));
            assertEquals(planned, agent.updates(), "the plan counts the loop's sample calls");
            double horizon = Math.max(1, planned);
            for (double[] check : checks) {
                double start = 0.4f;
                double expected = start + (1.0 - start) * Math.min(1, check[0] / horizon);
                assertEquals(expected, check[1], 1e-12, "beta after " + (long) check[0] + " of " + planned);
            }
            assertTrue(planned == 0 || Math.abs(trainer.priorityBeta() - 1.0) < 1e-12,
                "beta at the end " + trainer.priorityBeta());
        }
    }

    @Test
    void uniformReplayHasNoBeta() {
        SineTask task = new SineTask(3);
        DiscreteTradingEnv env = task.trainingEnv(2, 5);
        try (DqnAgent agent = agent(env.observationSize(), 16, 0, 1, 1, false);
             OffPolicyTrainer trainer = new OffPolicyTrainer(agent, env)) {
            assertThrows(IllegalStateException.class, trainer::priorityBeta);
        }
    }
}

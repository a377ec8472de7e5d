package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.train.OnPolicyTrainer;
import io.rltrader.util.UserInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PPO's update mechanics: logged statistics, the target-KL stop, learning-rate annealing, config errors. */
class PpoUpdateTest {
    private static PpoAgent.Config config(double learningRate, boolean anneal, double targetKl) {
        return new PpoAgent.Config(List.of(32, 32), "tanh", false, learningRate, anneal, 32, 64, 10, 0.9, 0.95, 0.2,
            0, true, 0.01, 0.5, 0.5, targetKl, 0, 1e-5, 3);
    }

    private static OnPolicyAgent.UpdateStats train(PpoAgent agent, int rounds) {
        SineTask task = new SineTask(3);
        DiscreteTradingEnv env = task.trainingEnv(4, 5);
        try (OnPolicyTrainer trainer = new OnPolicyTrainer(agent, env)) {
            return trainer.run((long) rounds * 32 * 4, 0, null).lastUpdate();
        }
    }

    @Test
    void statisticsAreInTheirRanges() {
        try (PpoAgent agent = PpoAgent.discrete(7, 3, 4, config(3e-3, false, 0))) {
            OnPolicyAgent.UpdateStats stats = train(agent, 3);
            assertEquals(10 * 2, stats.minibatches());
            assertFalse(stats.stoppedEarly());
            assertTrue(stats.clipFraction() >= 0 && stats.clipFraction() <= 1, stats.toString());
            assertTrue(stats.approxKl() >= 0, stats.toString());
            assertTrue(stats.entropy() > 0 && stats.entropy() <= Math.log(3) + 1e-6, stats.toString());
            assertTrue(Double.isFinite(stats.explainedVariance()) && stats.explainedVariance() <= 1, stats.toString());
            assertTrue(stats.valueLoss() >= 0, stats.toString());
        }
    }

    @Test
    void targetKlStopsTheUpdateEarly() {
        try (PpoAgent agent = PpoAgent.discrete(7, 3, 4, config(3e-2, false, 1e-4))) {
            OnPolicyAgent.UpdateStats stats = train(agent, 2);
            assertTrue(stats.stoppedEarly(), stats.toString());
            assertTrue(stats.minibatches() < 20, stats.toString());
        }
    }

    @Test
    void learningRateAnnealsLinearlyOverTheRun() {
        try (PpoAgent agent = PpoAgent.discrete(7, 3, 4, config(1e-3, true, 0))) {
            OnPolicyAgent.UpdateStats stats = train(agent, 4);
            // The last of 4 rollouts starts with 1/4 of the run left.
            assertEquals(0.25e-3, stats.learningRate(), 1e-12);
        }
    }

    @Test
    void aMinibatchThatDoesNotDivideTheRolloutIsAClearError() {
        UserInputException e = assertThrows(UserInputException.class,
            () -> PpoAgent.discrete(7, 3, 3, config(1e-3, false, 0)));
        assertTrue(e.getMessage().contains("minibatch"), e.getMessage());
        UserInputException clip = assertThrows(UserInputException.class, () -> new PpoAgent.Config(List.of(8), "tanh",
            false, 1e-3, false, 8, 8, 1, 0.9, 0.95, -0.1, 0, true, 0, 0.5, 0.5, 0, 0, 1e-5, 0));
        assertTrue(clip.getMessage().contains("clipRange"), clip.getMessage());
    }
}

package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.env.ContinuousTradingEnv;
import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.train.OffPolicyTrainer;
import io.rltrader.util.UserInputException;
import org.junit.jupiter.api.Test;

/** The off-policy loop refuses an agent whose kind of action the environment does not take. */
class ContinuousTrainerTest {
    @Test
    void actionKindsMustMatch() {
        DiscreteTradingEnv discrete = new SineTask(3).trainingEnv(2, 5);
        try (SacAgent sac = new SacAgent(discrete.observationSize(), 1, SacLearningTest.taskConfig(1))) {
            UserInputException error = assertThrows(UserInputException.class, () -> new OffPolicyTrainer(sac, discrete));
            assertTrue(error.getMessage().contains("continuous actions"), error.getMessage());
        }
        ContinuousTradingEnv continuous = new ContinuousSineTask(3).trainingEnv(2, 5);
        try (DqnAgent dqn = new DqnAgent(continuous.observationSize(), 3, DqnLearningTest.taskConfig(false, false, 1))) {
            UserInputException error = assertThrows(UserInputException.class,
                () -> new OffPolicyTrainer(dqn, continuous));
            assertTrue(error.getMessage().contains("discrete actions"), error.getMessage());
        }
    }
}

package io.rltrader.agent;

import java.util.List;
import org.junit.jupiter.api.Test;

/** TD3 finds the known optimum of the continuous sine task on held-out bars; runs are reproducible. */
class Td3LearningTest {
    static Td3Agent.Config taskConfig(long seed) {
        return new Td3Agent.Config(List.of(64, 64), 1e-3, 20_000, 1_000, 64, 0.01, 0.5, 1, 1, 2, 0.2, 0.5, 0.1,
            seed);
    }

    @Test
    void reachesNinetyPercentOfTheOracleOnHeldOutBars() {
        ContinuousSineTask.assertReachesNinetyPercentOfTheOracle("td3", obs -> new Td3Agent(obs, 1, taskConfig(11)));
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        ContinuousSineTask.assertSameSeedGivesBitIdenticalWeights(obs -> new Td3Agent(obs, 1, taskConfig(21)),
            Td3Agent::actorWeights);
    }
}

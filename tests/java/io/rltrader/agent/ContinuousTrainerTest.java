package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.data.CsvLoader;
import io.rltrader.data.DataSources;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.Normalization;
import io.rltrader.env.ContinuousTradingEnv;
import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.env.EnvConfig;
import io.rltrader.env.MarketConfig;
import io.rltrader.env.PortfolioTradingEnv;
import io.rltrader.train.OffPolicyTrainer;
import io.rltrader.util.UserInputException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The off-policy loop with continuous agents: it refuses an agent whose kind of action the
 * environment does not take, and it trains SAC on action vectors (a 4-asset portfolio, 5 weights).
 */
class ContinuousTrainerTest {
    @Test
    void sacTrainsOnAPortfolioOfFourAssets() {
        MarketData data = DataSources.load("builtin:eustockmarkets", CsvLoader.Options.defaults());
        List<FeatureMatrix> features = new ArrayList<>();
        for (MarketData.Asset asset : data.assets()) {
            features.add(FeatureMatrix.build(data, asset, List.of("logret", "logret:5"), Normalization.rolling(50)));
        }
        PortfolioTradingEnv env = new PortfolioTradingEnv(data, features, new PortfolioTradingEnv.Config(
            EnvConfig.of(4).withEpisodeLength(100).withSeed(3),
            MarketConfig.tutorialDefaults().withFractional(true).withMaxPosition(Double.POSITIVE_INFINITY)
                .withAllowShort(false),
            PortfolioTradingEnv.Projection.SOFTMAX));
        int actionDim = env.buffers().actionSize();
        SacAgent.Config config = new SacAgent.Config(List.of(32, 32), 1e-3, 5_000, 500, 32, 0.01, 0.9, 1, 1, "auto",
            1, "auto", 4);
        try (SacAgent agent = new SacAgent(env.observationSize(), actionDim, config);
             OffPolicyTrainer trainer = new OffPolicyTrainer(agent, env)) {
            trainer.run(3_000, 0, null);
            assertEquals(5, actionDim);
            assertTrue(agent.updates() > 500, "updates " + agent.updates());
            assertTrue(Float.isFinite(agent.lastLoss()), "critic loss " + agent.lastLoss());
            try (OffPolicyAgent.BoundPolicy policy = agent.policy(env.buffers().observations(), env.rows())) {
                policy.act(env.buffers().actions(), 0.0);
            }
            for (int i = 0; i < env.rows() * actionDim; i++) {
                float a = env.buffers().actions().getFloat(i * Float.BYTES);
                assertTrue(a >= -1 && a <= 1, "action " + a);
            }
        }
    }

    @Test
    void actionKindsMustMatch() {
        DiscreteTradingEnv discrete = new SineTask(3).trainingEnv(2, 5);
        try (SacAgent sac = new SacAgent(discrete.observationSize(), 1, SacLearningTest.taskConfig(1))) {
            UserInputException error = assertThrows(UserInputException.class,
                () -> new OffPolicyTrainer(sac, discrete));
            assertTrue(error.getMessage().contains("continuous actions"), error.getMessage());
        }
        ContinuousTradingEnv continuous = new ContinuousSineTask(3).trainingEnv(2, 5);
        DqnAgent.Config dqnConfig = DqnLearningTest.taskConfig(false, false, 1);
        try (DqnAgent dqn = new DqnAgent(continuous.observationSize(), 3, dqnConfig)) {
            UserInputException error = assertThrows(UserInputException.class,
                () -> new OffPolicyTrainer(dqn, continuous));
            assertTrue(error.getMessage().contains("discrete actions"), error.getMessage());
        }
    }
}

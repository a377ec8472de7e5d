package io.rltrader.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.agent.OnPolicyAgent;
import io.rltrader.agent.PpoAgent;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.Normalization;
import io.rltrader.data.RowRange;
import io.rltrader.data.SyntheticSeries;
import io.rltrader.env.Accounts;
import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.env.EnvConfig;
import io.rltrader.env.EpisodeStats;
import io.rltrader.env.MarketConfig;
import io.rltrader.env.RewardConfig;
import io.rltrader.env.StepBuffers;
import io.rltrader.env.VectorEnv;
import io.rltrader.memory.RolloutBuffer;
import io.rltrader.util.OffHeap;
import io.rltrader.util.UserInputException;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The on-policy loop: truncated episodes bootstrap from V of their final observation; mismatches are refused. */
class OnPolicyTrainerTest {
    private static final float GAMMA = 0.9f;

    /** Records, for the one env, the step at which it was truncated, that step's reward and final observation. */
    private static final class Recording implements VectorEnv {
        private final VectorEnv env;
        int steps;
        int truncatedAt = -1;
        float truncatedReward;
        final UnsafeBuffer finalObservation;

        Recording(VectorEnv env) {
            this.env = env;
            this.finalObservation = OffHeap.allocate(env.observationSize() * 4L);
        }

        @Override
        public void step() {
            env.step();
            StepBuffers b = env.buffers();
            if (truncatedAt < 0 && b.truncated(0) && !b.terminated(0)) {
                truncatedAt = steps;
                truncatedReward = b.reward(0);
                finalObservation.putBytes(0, b.finalObservations(), 0, env.observationSize() * 4);
            }
            steps++;
        }

        // Everything else is the wrapped env's.
        @Override public int envs() { return env.envs(); }
        @Override public int agents() { return env.agents(); }
        @Override public int assets() { return env.assets(); }
        @Override public int observationSize() { return env.observationSize(); }
        @Override public StepBuffers buffers() { return env.buffers(); }
        @Override public Accounts accounts() { return env.accounts(); }
        @Override public EpisodeStats episodes() { return env.episodes(); }
        @Override public void reset() { env.reset(); }
        @Override public int decisionRow(int e) { return env.decisionRow(e); }
        @Override public int stepsInEpisode(int e) { return env.stepsInEpisode(e); }
        @Override public int firstDecisionRow() { return env.firstDecisionRow(); }
        @Override public int lastRow() { return env.lastRow(); }
    }

    private static DiscreteTradingEnv env(int envs) {
        MarketData data = SyntheticSeries.sine(600, 1, 100, 0.1, 40, 0.001);
        FeatureMatrix features = FeatureMatrix.build(data, data.asset(0), List.of("logret"),
            Normalization.fitted(new RowRange(0, 600)));
        EnvConfig config = EnvConfig.of(envs).withWindow(3).withEpisodeLength(50).withSeed(2)
            .withReward(new RewardConfig(RewardConfig.Kind.LOG_RETURN, 100, 0, 0));
        return new DiscreteTradingEnv(data.asset(0), features, new DiscreteTradingEnv.Config(config,
            MarketConfig.frictionless().withAllowShort(true), DiscreteTradingEnv.ActionMode.TARGET, 1));
    }

    @Test
    void truncatedEpisodesBootstrapFromTheValueOfTheirFinalObservation() {
        Recording env = new Recording(env(1));
        // lambda 0: every advantage is the one-step TD error, so the truncated step's is r + gamma V(final) - V(s).
        PpoAgent.Config config = new PpoAgent.Config(List.of(16), "tanh", false, 1e-3, false, 80, 80, 1, GAMMA, 0.0,
            0.2, 0, true, 0, 0.5, 0.5, 0, 0, 1e-5, 4);
        try (PpoAgent agent = PpoAgent.discrete(env.observationSize(), DiscreteTradingEnv.ACTIONS, 1, config);
             OnPolicyTrainer trainer = new OnPolicyTrainer(agent, env);
             OnPolicyAgent.RolloutPolicy critic = agent.rolloutPolicy(env.finalObservation, env.finalObservation)) {
            trainer.collect();
            assertTrue(env.truncatedAt >= 0 && env.truncatedAt < 79, "an episode is truncated inside the rollout, at "
                + env.truncatedAt);
            RolloutBuffer rollout = agent.rollout();
            int t = env.truncatedAt;
            float valueOfState = rollout.returnValue(t, 0) - rollout.advantage(t, 0);
            float valueOfFinal = critic.currentValues().getFloat(0);
            float expected = env.truncatedReward + GAMMA * valueOfFinal - valueOfState;
            assertEquals(expected, rollout.advantage(t, 0), 1e-5);
            assertTrue(Math.abs(valueOfFinal) > 1e-4, "the bootstrap value must matter for the check, got "
                + valueOfFinal);
        }
    }

    @Test
    void refusesAnEnvThatDoesNotMatchTheAgent() {
        DiscreteTradingEnv env = env(2);
        PpoAgent.Config config = PpoAgent.Config.defaults().withRollout(8, 8);
        try (PpoAgent agent = PpoAgent.discrete(env.observationSize(), DiscreteTradingEnv.ACTIONS, 3, config)) {
            UserInputException e = assertThrows(UserInputException.class, () -> new OnPolicyTrainer(agent, env));
            assertTrue(e.getMessage().contains("rows"), e.getMessage());
        }
        try (PpoAgent agent = PpoAgent.continuous(env.observationSize(), 1, 2, config)) {
            UserInputException e = assertThrows(UserInputException.class, () -> new OnPolicyTrainer(agent, env));
            assertTrue(e.getMessage().contains("continuous"), e.getMessage());
        }
    }
}

package io.rltrader.agent;

import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.Normalization;
import io.rltrader.data.SyntheticSeries;
import io.rltrader.env.ContinuousTradingEnv;
import io.rltrader.env.EnvConfig;
import io.rltrader.env.MarketConfig;
import io.rltrader.env.RewardConfig;
import io.rltrader.env.StepBuffers;
import java.util.List;

/**
 * The known-optimum task of the continuous agents: {@link SineTask}'s sine price (period 40 bars,
 * amplitude 10%) with less noise (0.02% per bar), one continuous action = the target fraction of
 * equity in [-1, 1], shorting allowed, no costs, reward the log return of equity x 100. The oracle
 * holds +1 when the next close is higher and -1 when lower; the last three log returns in the
 * observation reveal the phase, so the oracle is within reach except at the turning points. Training
 * on bars [0, 1200), evaluation on the held-out bars [1200, 1800), compared as total log returns.
 */
final class ContinuousSineTask {
    final MarketData data;
    final FeatureMatrix features;

    ContinuousSineTask(long seed) {
        data = SyntheticSeries.sine(SineTask.BARS, seed, 100, 0.1, 40, 0.0002);
        features = FeatureMatrix.build(data, data.asset(0), List.of("logret"), Normalization.fitted(SineTask.TRAIN));
    }

    ContinuousTradingEnv trainingEnv(int envs, long seed) {
        return env(EnvConfig.of(envs).withWindow(SineTask.WINDOW).withEpisodeLength(200).withRows(SineTask.TRAIN)
            .withSeed(seed));
    }

    private ContinuousTradingEnv env(EnvConfig env) {
        return new ContinuousTradingEnv(data.asset(0), features, new ContinuousTradingEnv.Config(
            env.withReward(new RewardConfig(RewardConfig.Kind.LOG_RETURN, 100, 0, 0)),
            MarketConfig.frictionless().withAllowShort(true)));
    }

    /** Total log return of equity over the held-out bars with the agent's deterministic policy. */
    double heldOutLogReturn(OffPolicyAgent agent) {
        ContinuousTradingEnv env = env(EnvConfig.of(1).withWindow(SineTask.WINDOW).withRows(SineTask.TEST));
        env.reset();
        try (OffPolicyAgent.BoundPolicy policy = agent.policy(env.buffers().observations(), 1)) {
            return run(env, policy);
        }
    }

    /** Total log return of the oracle over the held-out bars. */
    double oracleLogReturn() {
        ContinuousTradingEnv env = env(EnvConfig.of(1).withWindow(SineTask.WINDOW).withRows(SineTask.TEST));
        env.reset();
        return run(env, null);
    }

    private double run(ContinuousTradingEnv env, OffPolicyAgent.BoundPolicy policy) {
        StepBuffers buffers = env.buffers();
        double initial = env.accounts().equity(0);
        for (int guard = 0; guard < SineTask.BARS; guard++) {
            if (policy != null) {
                policy.act(buffers.actions(), 0.0);
            } else {
                int row = env.decisionRow(0);
                boolean up = data.asset(0).price().get(row + 1) > data.asset(0).price().get(row);
                buffers.putContinuousAction(0, 0, up ? 1f : -1f);
            }
            env.step();
            if (buffers.ended(0)) {
                return Math.log(env.episodes().finalEquity(0) / initial);
            }
        }
        throw new AssertionError("evaluation episode did not end");
    }
}

package io.rltrader.agent;

import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.Normalization;
import io.rltrader.data.RowRange;
import io.rltrader.data.SyntheticSeries;
import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.env.EnvConfig;
import io.rltrader.env.MarketConfig;
import io.rltrader.env.RewardConfig;
import io.rltrader.env.StepBuffers;
import io.rltrader.train.OffPolicyTrainer;
import io.rltrader.train.OnPolicyTrainer;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The known-optimum learning task shared by the value-based agents' tests: a sine price with a
 * little noise (period 40 bars, amplitude 10%), three target-position actions {short, flat, long},
 * no costs, reward the log return of equity x 100. The oracle is long when the next close is higher,
 * short when lower. Training uses bars [0, 1200), evaluation the held-out bars [1200, 1800); returns
 * are compared as total log returns of equity (the sum of per-bar log returns), so that compounding
 * does not exaggerate small per-bar gaps.
 */
final class SineTask {
    static final int BARS = 1800;
    static final RowRange TRAIN = new RowRange(0, 1200);
    static final RowRange TEST = new RowRange(1200, BARS);
    static final int WINDOW = 3;

    final MarketData data;
    final FeatureMatrix features;

    SineTask(long seed) {
        data = SyntheticSeries.sine(BARS, seed, 100, 0.1, 40, 0.001);
        features = FeatureMatrix.build(data, data.asset(0), List.of("logret"), Normalization.fitted(TRAIN));
    }

    DiscreteTradingEnv trainingEnv(int envs, long seed) {
        EnvConfig env = EnvConfig.of(envs).withWindow(WINDOW).withEpisodeLength(200).withRows(TRAIN).withSeed(seed)
            .withReward(new RewardConfig(RewardConfig.Kind.LOG_RETURN, 100, 0, 0));
        return new DiscreteTradingEnv(data.asset(0), features, config(env));
    }

    /** One evaluation episode over {@code rows} (within the held-out bars), starting from the initial cash. */
    DiscreteTradingEnv evaluationEnv(RowRange rows) {
        EnvConfig env = EnvConfig.of(1).withWindow(WINDOW).withRows(rows)
            .withReward(new RewardConfig(RewardConfig.Kind.LOG_RETURN, 100, 0, 0));
        return new DiscreteTradingEnv(data.asset(0), features, config(env));
    }

    /**
     * The held-out bars cut into {@code segments} consecutive equal row ranges, each evaluated as its
     * own episode from the initial cash. With {@link #EPISODE_SEGMENTS} the episodes have the training
     * episodes' length, so the account state stays in the range training saw: the unrealized PnL entry
     * is over the initial cash, and over one 600-bar episode the compounding equity drives it to about
     * 10x its largest value in 200-bar training episodes.
     */
    static RowRange[] heldOutSegments(int segments) {
        if (segments < 1 || TEST.length() % segments != 0) {
            throw new IllegalArgumentException("segments must divide " + TEST.length() + ", got " + segments);
        }
        int length = TEST.length() / segments;
        RowRange[] out = new RowRange[segments];
        for (int i = 0; i < segments; i++) {
            out[i] = new RowRange(TEST.start() + i * length, TEST.start() + (i + 1) * length);
        }
        return out;
    }

    /** Held-out episodes of the training episode length (200 bars): see {@link #heldOutSegments}. */
    static final int EPISODE_SEGMENTS = 3;

    private static DiscreteTradingEnv.Config config(EnvConfig env) {
        return new DiscreteTradingEnv.Config(env, MarketConfig.frictionless().withAllowShort(true),
            DiscreteTradingEnv.ActionMode.TARGET, 1);
    }

    /**
     * The sum of the total log returns of the off-policy agent's greedy policy over the {@code segments}
     * held-out episodes of {@link #heldOutSegments}, each from the initial cash.
     */
    double heldOutLogReturn(OffPolicyAgent agent, int segments) {
        return segmentsLogReturn(segments, row -> -1, obs -> agent.policy(obs, 1));
    }

    /**
     * {@link #heldOutLogReturn(OffPolicyAgent, int)} for any deterministic discrete policy, made by
     * {@code policies} over each evaluation env's observation memory (one row).
     */
    double heldOutLogReturn(Function<UnsafeBuffer, OffPolicyAgent.DiscretePolicy> policies, int segments) {
        return segmentsLogReturn(segments, row -> -1, policies);
    }

    /** The oracle's {@link #heldOutLogReturn(OffPolicyAgent, int)}: the same episodes. */
    double oracleLogReturn(int segments) {
        return segmentsLogReturn(segments,
            row -> data.asset(0).price().get(row + 1) > data.asset(0).price().get(row) ? 2 : 0, null);
    }

    /**
     * Total log return over the {@link #heldOutSegments} of the near-trivial policy that follows the
     * last return (long after an up bar, short after a down bar). On this sine it is wrong only at
     * the turning points, where the moves are small, so it gets about 0.974 of the oracle's log return
     * on the three 200-bar episodes: a learning criterion has to be above that to mean anything.
     */
    double followLastReturnLogReturn(int segments) {
        return segmentsLogReturn(segments,
            row -> data.asset(0).price().get(row) > data.asset(0).price().get(row - 1) ? 2 : 0, null);
    }

    /**
     * The sum over the {@code segments} held-out episodes of the total log return of the policy
     * {@code policies} makes for each episode's observations, or, where {@code policies} is null, of
     * the action {@code rule} gives for each decision row.
     */
    private double segmentsLogReturn(int segments, IntUnaryOperator rule,
                                     Function<UnsafeBuffer, ? extends OffPolicyAgent.BoundPolicy> policies) {
        double total = 0;
        for (RowRange rows : heldOutSegments(segments)) {
            DiscreteTradingEnv env = evaluationEnv(rows);
            env.reset();
            if (policies == null) {
                total += run(env, rule, null);
            } else {
                try (OffPolicyAgent.BoundPolicy policy = policies.apply(env.buffers().observations())) {
                    total += run(env, rule, policy);
                }
            }
        }
        return total;
    }

    /**
     * Trains an on-policy agent on 16 envs in rounds of {@code transitionsPerRound} transitions, for at
     * most {@code rounds}, until its greedy policy's held-out log return on {@link #EPISODE_SEGMENTS}
     * episodes reaches {@code fraction} of the oracle's; fails if it never does, or if the near-trivial
     * follow-the-last-return policy already reaches that fraction (the bar would then say little).
     */
    static <A extends OnPolicyAgent> void assertOnPolicyReaches(String label, double fraction, int rounds,
                                                                long transitionsPerRound, IntFunction<A> factory,
                                                                Function<A, Function<UnsafeBuffer,
                                                                    OffPolicyAgent.DiscretePolicy>> policies) {
        SineTask task = new SineTask(3);
        int segments = EPISODE_SEGMENTS;
        double oracle = task.oracleLogReturn(segments);
        double target = fraction * oracle;
        double trivial = task.followLastReturnLogReturn(segments);
        org.junit.jupiter.api.Assertions.assertTrue(trivial < target,
            "follow-the-last-return " + trivial / oracle + " of the oracle");
        DiscreteTradingEnv env = task.trainingEnv(16, 5);
        try (A agent = factory.apply(env.observationSize());
             OnPolicyTrainer trainer = new OnPolicyTrainer(agent, env)) {
            double learned = Double.NaN;
            for (int round = 0; round < rounds; round++) {
                trainer.run(transitionsPerRound, 0, null);
                learned = task.heldOutLogReturn(policies.apply(agent), segments);
                if (learned >= target) {
                    break;
                }
            }
            System.out.printf("%s: held-out log return %.3f, oracle %.3f, ratio %.3f (follow-the-last-return %.3f)"
                + " after %d transitions%n", label, learned, oracle, learned / oracle, trivial / oracle,
                trainer.transitions());
            org.junit.jupiter.api.Assertions.assertTrue(learned >= target, "held-out log return " + learned
                + " vs oracle " + oracle + " (ratio " + learned / oracle + ")");
        }
    }

    /**
     * Trains the agent {@code factory} builds (given the observation size) on 8 training envs for
     * {@code steps} env steps, prints and returns its held-out log return over the oracle's, both on
     * {@code segments} episodes ({@link #heldOutSegments}), and fails below 80%.
     */
    static double assertLearns(String label, long steps, int segments, IntFunction<? extends OffPolicyAgent> factory) {
        SineTask task = new SineTask(3);
        DiscreteTradingEnv env = task.trainingEnv(8, 5);
        long start = System.nanoTime();
        try (OffPolicyAgent agent = factory.apply(env.observationSize());
             OffPolicyTrainer trainer = new OffPolicyTrainer(agent, env)) {
            trainer.run(steps, 0, null);
            double learned = task.heldOutLogReturn(agent, segments);
            double oracle = task.oracleLogReturn(segments);
            System.out.printf("%s: held-out log return %.3f, oracle %.3f, ratio %.3f, %d updates in %.1f s%n",
                label, learned, oracle, learned / oracle, agent.updates(), (System.nanoTime() - start) / 1e9);
            org.junit.jupiter.api.Assertions.assertTrue(oracle > 1, "oracle log return " + oracle);
            org.junit.jupiter.api.Assertions.assertTrue(learned >= 0.8 * oracle, "held-out log return " + learned
                + " vs oracle " + oracle + " (ratio " + learned / oracle + ")");
            return learned / oracle;
        }
    }

    /** The weights after a short run (6k env steps on 4 envs, over 1000 updates), for same-seed comparisons. */
    static <A extends OffPolicyAgent> float[] weightsAfterShortRun(IntFunction<A> factory,
                                                                   Function<A, float[]> weights) {
        SineTask task = new SineTask(3);
        DiscreteTradingEnv env = task.trainingEnv(4, 5);
        try (A agent = factory.apply(env.observationSize());
             OffPolicyTrainer trainer = new OffPolicyTrainer(agent, env)) {
            trainer.run(6_000, 0, null);
            org.junit.jupiter.api.Assertions.assertTrue(agent.updates() > 1000, "updates " + agent.updates());
            return weights.apply(agent);
        }
    }

    private static double run(DiscreteTradingEnv env, IntUnaryOperator oracle, OffPolicyAgent.BoundPolicy policy) {
        StepBuffers buffers = env.buffers();
        double initial = env.accounts().equity(0);
        for (int guard = 0; guard < BARS; guard++) {
            if (policy != null) {
                policy.act(buffers.actions(), 0.0);
            } else {
                buffers.putDiscreteAction(0, oracle.applyAsInt(env.decisionRow(0)));
            }
            env.step();
            if (buffers.ended(0)) {
                return Math.log(env.episodes().finalEquity(0) / initial);
            }
        }
        throw new AssertionError("evaluation episode did not end");
    }
}

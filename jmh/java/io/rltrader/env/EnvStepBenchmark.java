package io.rltrader.env;

import io.rltrader.bench.AllocationFree;
import io.rltrader.bench.ItemsPerOp;
import io.rltrader.data.DoubleColumn;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.Normalization;
import io.rltrader.data.TimeFormat;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code step()} of a vectorized environment over all its copies, the inner loop of every
 * training run and backtest. Each operation first copies the next of 64 precomputed random action
 * blocks into the action buffer (as a policy's output would arrive), then steps every copy: order,
 * fill, mark, reward, flags, auto-reset and observation write. Workload: a 10,000-bar random walk,
 * the 8 default causal features (rolling z-score), window W = 1 plus the account state, episodes of
 * 256 bars at random starts (so auto-resets are part of the measurement), the tutorial's market
 * (0.1% fee, 100 shares limit, shorting). Items per operation: env copies (multi-agent: copies x agents).
 * The tutorial's Python environment steps 27k env-steps/s on one core.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EnvStepBenchmark {
    private static final int BARS = 10_000;
    private static final int EPISODE_LENGTH = 256;
    private static final int ACTION_BLOCKS = 64;
    static final int AGENTS = 4;
    static final int PORTFOLIO_ASSETS = 4;

    static MarketData randomWalks(int assets) {
        Rng rng = new Rng(2024);
        List<DoubleColumn> columns = new ArrayList<>();
        for (int k = 0; k < assets; k++) {
            DoubleColumn close = DoubleColumn.allocate("A" + k, BARS);
            double price = 50 + 10 * k;
            for (int t = 0; t < BARS; t++) {
                price *= Math.exp(0.015 * rng.nextGaussian());
                close.set(t, price);
            }
            columns.add(close);
        }
        return MarketData.ofPrices("random walk", null, TimeFormat.ROW_INDEX, columns);
    }

    static FeatureMatrix features(MarketData data, int asset) {
        return FeatureMatrix.build(data, data.asset(asset), FeatureMatrix.DEFAULT_FEATURES, Normalization.rolling(252));
    }

    static EnvConfig envConfig(int envs) {
        return EnvConfig.of(envs).withWindow(1).withEpisodeLength(EPISODE_LENGTH).withSeed(7);
    }

    /** Action blocks for {@code rows} rows: discrete int32 in {0, 1, 2} or float32 of the given width. */
    static final class Actions {
        private final UnsafeBuffer table;
        private final int blockBytes;
        private int next;

        Actions(int rows, int width, boolean discrete) {
            this.blockBytes = rows * width * 4;
            this.table = OffHeap.allocate((long) blockBytes * ACTION_BLOCKS);
            Rng rng = new Rng(11);
            for (int b = 0; b < ACTION_BLOCKS; b++) {
                for (int j = 0; j < rows * width; j++) {
                    int offset = b * blockBytes + j * 4;
                    if (discrete) {
                        table.putInt(offset, rng.nextInt(3));
                    } else {
                        table.putFloat(offset, (float) (2 * rng.nextDouble() - 1));
                    }
                }
            }
        }

        void copyNextInto(UnsafeBuffer actions) {
            actions.putBytes(0, table, next * blockBytes, blockBytes);
            next = (next + 1) & (ACTION_BLOCKS - 1);
        }
    }

    @State(Scope.Thread)
    public static class Discrete {
        @Param({"1", "16", "64", "256", "1024", "4096"})
        public int envs;
        DiscreteTradingEnv env;
        Actions actions;

        @Setup
        public void setup() {
            MarketData data = randomWalks(1);
            DiscreteTradingEnv.Config config = new DiscreteTradingEnv.Config(envConfig(envs),
                MarketConfig.tutorialDefaults(), DiscreteTradingEnv.ActionMode.LOT, 1);
            env = new DiscreteTradingEnv(data.asset(0), features(data, 0), config);
            env.reset();
            actions = new Actions(envs, 1, true);
        }
    }

    @State(Scope.Thread)
    public static class Continuous {
        @Param({"1", "16", "64", "256", "1024", "4096"})
        public int envs;
        ContinuousTradingEnv env;
        Actions actions;

        @Setup
        public void setup() {
            MarketData data = randomWalks(1);
            ContinuousTradingEnv.Config config = new ContinuousTradingEnv.Config(envConfig(envs),
                MarketConfig.tutorialDefaults().withFractional(true).withMaxPosition(Double.POSITIVE_INFINITY));
            env = new ContinuousTradingEnv(data.asset(0), features(data, 0), config);
            env.reset();
            actions = new Actions(envs, 1, false);
        }
    }

    @State(Scope.Thread)
    public static class Portfolio {
        @Param({"1", "16", "64", "256", "1024", "4096"})
        public int envs;
        PortfolioTradingEnv env;
        Actions actions;

        @Setup
        public void setup() {
            MarketData data = randomWalks(PORTFOLIO_ASSETS);
            List<FeatureMatrix> features = new ArrayList<>();
            for (int k = 0; k < PORTFOLIO_ASSETS; k++) {
                features.add(features(data, k));
            }
            PortfolioTradingEnv.Config config = new PortfolioTradingEnv.Config(envConfig(envs),
                MarketConfig.tutorialDefaults().withFractional(true).withMaxPosition(Double.POSITIVE_INFINITY),
                PortfolioTradingEnv.Projection.SOFTMAX);
            env = new PortfolioTradingEnv(data, features, config);
            env.reset();
            actions = new Actions(envs, PORTFOLIO_ASSETS + 1, false);
        }
    }

    @State(Scope.Thread)
    public static class MultiAgent {
        @Param({"1", "16", "64", "256", "1024", "4096"})
        public int envs;
        MultiAgentTradingEnv env;
        Actions actions;

        @Setup
        public void setup() {
            MarketData data = randomWalks(1);
            MultiAgentTradingEnv.Config config = new MultiAgentTradingEnv.Config(envConfig(envs),
                MarketConfig.tutorialDefaults(), AGENTS, 1, MultiAgentTradingEnv.Impact.permanent(1));
            env = new MultiAgentTradingEnv(data.asset(0), features(data, 0), config);
            env.reset();
            actions = new Actions(envs * AGENTS, 1, true);
        }
    }

    /** Discrete sell/hold/buy of 1 share; observation 8 features + 4 account entries = 12 floats. */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(param = "envs", unit = "env-step")
    public float discreteStep(Discrete state) {
        state.actions.copyNextInto(state.env.buffers().actions());
        state.env.step();
        return state.env.buffers().reward(0);
    }

    /** Continuous target fraction in [-1, 1], fractional shares: adds order sizing from equity. */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(param = "envs", unit = "env-step")
    public float continuousStep(Continuous state) {
        state.actions.copyNextInto(state.env.buffers().actions());
        state.env.step();
        return state.env.buffers().reward(0);
    }

    /** Portfolio of K = 4 assets plus cash: softmax of 5 floats, up to 4 fills, 4 feature windows (39 floats). */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(param = "envs", unit = "env-step")
    public float portfolioStep(Portfolio state) {
        state.actions.copyNextInto(state.env.buffers().actions());
        state.env.step();
        return state.env.buffers().reward(0);
    }

    /** Multi-agent: 4 agents per copy with permanent linear impact; items are copies x agents (agent-steps). */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(param = "envs", value = AGENTS, unit = "env-step")
    public float multiAgentStep(MultiAgent state) {
        state.actions.copyNextInto(state.env.buffers().actions());
        state.env.step();
        return state.env.buffers().reward(0);
    }
}

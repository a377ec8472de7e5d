package io.rltrader.train;

import io.rltrader.agent.Agents;
import io.rltrader.agent.OffPolicyAgent;
import io.rltrader.backtest.BacktestResult;
import io.rltrader.backtest.Backtester;
import io.rltrader.backtest.Report;
import io.rltrader.backtest.Strategy;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.Normalization;
import io.rltrader.data.RowRange;
import io.rltrader.data.TimeSplits;
import io.rltrader.env.VectorEnv;
import io.rltrader.nn.NativeRuntime;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Walk-forward evaluation: for each rolling window, a fresh agent is trained on the window's train
 * bars (features normalized with those bars' statistics only) and tested on the bars right after;
 * the test periods' equity (from the close of the last train bar to the end of the test bars) is
 * stitched into one out-of-sample curve and compared with buy-and-hold
 * and an SMA crossover over the same bars. Window k's agent and environment draw from
 * {@code Rng.deriveSeed(seed, k)}.
 */
public final class WalkForward {
    /** The stitched result and baselines (agent first), with each window's own result. */
    public record Outcome(MarketData data, List<BacktestResult> results, List<BacktestResult> windows) {
    }

    private WalkForward() {
    }

    public static Outcome run(RunSpec spec, int trainBars, int testBars, int step, double periodsPerYear,
                              Consumer<String> log) {
        if (step < testBars) {
            throw new UserInputException("--step " + step + " is shorter than --test-bars " + testBars
                + ": test periods would overlap and could not be stitched into one curve");
        }
        NativeRuntime.init();
        MarketData data = Training.loadData(spec);
        MarketData.Asset asset = Training.asset(spec, data);
        List<TimeSplits.Window> windows = TimeSplits.walkForward(data.rows(), trainBars, testBars, step);
        List<BacktestResult> parts = new ArrayList<>();
        for (TimeSplits.Window window : windows) {
            long seed = Rng.deriveSeed(spec.seed(), window.index());
            FeatureMatrix features = FeatureMatrix.build(data, asset, spec.features(), Normalization.fitted(window.train()));
            VectorEnv train = Training.trainingEnv(spec, asset, features, window.train(), seed);
            var settings = spec.settings().deepCopy();
            settings.put("seed", seed);
            try (OffPolicyAgent agent = Agents.create(spec.agent(), train.observationSize(), Training.actionSize(spec),
                    settings, NativeRuntime.device(spec.device()));
                 OffPolicyTrainer trainer = new OffPolicyTrainer(agent, train)) {
                trainer.run(spec.steps(), 0, null);
                // The first decision is at the close of the last train bar, so that consecutive test
                // periods join without an untraded bar between them.
                RowRange testRows = new RowRange(window.test().start() - 1, window.test().end());
                VectorEnv test = Training.evaluationEnv(spec, asset, features, testRows);
                try (OffPolicyAgent.BoundPolicy policy = agent.policy(test.buffers().observations(), 1)) {
                    BacktestResult result = Backtester.run(spec.agent() + " window " + window.index(), test,
                        (bar, buffers) -> policy.act(buffers.actions(), 0.0), periodsPerYear);
                    parts.add(result);
                    if (log != null) {
                        log.accept(String.format(java.util.Locale.ROOT,
                            "window %d: train %s to %s, test %s to %s: return %.2f%%", window.index(),
                            data.formatTime(window.train().start()), data.formatTime(window.train().end() - 1),
                            data.formatTime(window.test().start()), data.formatTime(window.test().end() - 1),
                            100 * result.metrics().totalReturn()));
                    }
                }
            }
        }
        List<BacktestResult> results = new ArrayList<>();
        results.add(Backtester.stitch(spec.agent() + " (walk-forward)", parts, periodsPerYear));
        if (step == testBars) {
            RowRange covered = new RowRange(parts.get(0).bars()[0], windows.get(windows.size() - 1).test().end());
            results.add(Backtester.run(Strategy.buyAndHold(),
                Backtester.continuousEnv(data, asset, covered, Training.market(spec)), periodsPerYear));
            results.add(Backtester.run(Strategy.smaCrossover(asset, 20, 50),
                Backtester.continuousEnv(data, asset, covered, Training.market(spec)), periodsPerYear));
        }
        return new Outcome(data, results, parts);
    }

    /** Writes the walk-forward report. */
    public static java.nio.file.Path report(Outcome outcome, java.nio.file.Path dir, java.util.Map<String, Object> settings) {
        return Report.write(dir, "Walk-forward: " + outcome.results().get(0).name(), outcome.data(), outcome.results(),
            settings, null);
    }
}

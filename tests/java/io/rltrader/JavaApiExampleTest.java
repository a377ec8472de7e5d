package io.rltrader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rltrader.agent.Agents;
import io.rltrader.agent.OffPolicyAgent;
import io.rltrader.backtest.BacktestResult;
import io.rltrader.backtest.Backtester;
import io.rltrader.backtest.Report;
import io.rltrader.backtest.Strategy;
import io.rltrader.data.CsvLoader;
import io.rltrader.data.DataSources;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.Normalization;
import io.rltrader.data.TimeSplits;
import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.env.EnvConfig;
import io.rltrader.env.MarketConfig;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.NativeRuntime;
import io.rltrader.train.OffPolicyTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java API example, as it is printed there (only the step count is smaller), so that
 * the example keeps compiling and doing what it says: train with a callback, save, backtest the
 * greedy policy on held-out rows next to buy-and-hold, write a report.
 */
class JavaApiExampleTest {
    @TempDir
    Path runs;

    @Test
    void readmeExampleTrainsBacktestsAndReports() throws Exception {
        long steps = 6_000;
        List<Long> logged = new ArrayList<>();
        NativeRuntime.init();
        // --- README example, from here ---
        MarketData data = DataSources.load("builtin:ttrc", CsvLoader.Options.defaults());
        MarketData.Asset asset = data.asset(0);
        TimeSplits.Split split = TimeSplits.byFraction(data.rows(), 0.7, 0);
        FeatureMatrix features = FeatureMatrix.build(data, asset, FeatureMatrix.DEFAULT_FEATURES,
            Normalization.fitted(split.train()));                          // statistics of the train rows only
        MarketConfig market = MarketConfig.frictionless().withFeeRate(0.001);
        DiscreteTradingEnv env = new DiscreteTradingEnv(asset, features, new DiscreteTradingEnv.Config(
            EnvConfig.of(8).withRows(split.train()).withEpisodeLength(256).withSeed(1), market,
            DiscreteTradingEnv.ActionMode.TARGET, 1));                   // short / flat / long
        ObjectNode settings = Agents.defaults("double-dqn").put("learningRate", 3e-4).put("seed", 1);
        try (OffPolicyAgent agent = Agents.create("double-dqn", env.observationSize(), DiscreteTradingEnv.ACTIONS,
                settings, ComputeDevice.CPU);
             OffPolicyTrainer trainer = new OffPolicyTrainer(agent, env)) {
            trainer.run(steps, 2_000, p -> logged.add(p.transitions()));   // called every 2,000 transitions
            agent.save(runs.resolve("api/checkpoint"));

            DiscreteTradingEnv test = new DiscreteTradingEnv(asset, features, new DiscreteTradingEnv.Config(
                EnvConfig.of(1).withRows(split.test()), market, DiscreteTradingEnv.ActionMode.TARGET, 1));
            try (OffPolicyAgent.BoundPolicy greedy = agent.policy(test.buffers().observations(), 1)) {
                BacktestResult trained = Backtester.run("double-dqn", test,
                    (bar, buffers) -> greedy.act(buffers.actions(), 0.0), 252);
                BacktestResult buyAndHold = Backtester.run(Strategy.buyAndHold(),
                    Backtester.continuousEnv(data, asset, split.test(), market), 252);
                Report.write(runs.resolve("api/report"), "double-dqn on TTRC", data,
                    List.of(trained, buyAndHold), Map.of("fee", 0.001), List.of());
        // --- to here ---
                assertEquals(List.of(2_000L, 4_000L, 6_000L), logged);
                assertTrue(trained.equity().length > 100, "the test rows were traded");
                assertTrue(Double.isFinite(trained.metrics().sharpe()));
                assertEquals(buyAndHold.bars()[0], split.test().start(), "buy-and-hold starts at the first test bar");
            }
        }
        assertTrue(Files.isRegularFile(runs.resolve("api/report/report.html")));
        assertTrue(Files.isRegularFile(runs.resolve("api/checkpoint/model.safetensors")));
    }
}

package io.rltrader.cli;

import io.rltrader.backtest.BacktestResult;
import io.rltrader.backtest.Backtester;
import io.rltrader.backtest.Report;
import io.rltrader.backtest.Strategy;
import io.rltrader.data.MarketData;
import io.rltrader.data.RowRange;
import io.rltrader.env.MarketConfig;
import io.rltrader.util.UserInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rltrader backtest}: a rule-based strategy on the environments' market mechanics, with metrics and a report. */
@Command(name = "backtest", mixinStandardHelpOptions = true,
    description = {"Backtest a baseline strategy and print its metrics.",
        "Runs buy-and-hold, random or sma-crossover:FAST,SLOW with the same",
        "fees, slippage, fills and shorting rules as the trading environments."})
public final class BacktestCommand implements Runnable {
    @Mixin
    DataOptions dataOptions;

    @Mixin
    MarketOptions marketOptions;

    @Mixin
    SplitOptions splitOptions;

    @Option(names = "--strategy", required = true, paramLabel = "S",
        description = "buy-and-hold, random (seeded by --seed) or sma-crossover:FAST,SLOW.")
    String strategy;

    @Option(names = "--asset", paramLabel = "NAME", description = "Asset to trade (default: the first).")
    String asset;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random strategy (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        double periodsPerYear = output.periodsPerYear();
        boolean json = output.json;
        Path report = output.report;
        MarketConfig market = marketOptions.market();
        MarketData data = dataOptions.load();
        MarketData.Asset traded = asset == null ? data.asset(0) : data.asset(asset);
        RowRange rows = splitOptions.rows(data.rows());
        Strategy chosen = Strategy.parse(strategy, traded, seed, market.allowShort());
        List<BacktestResult> results = new ArrayList<>();
        results.add(Backtester.run(chosen, Backtester.continuousEnv(data, traded, rows, market), periodsPerYear));
        if (!chosen.name().equals("buy-and-hold")) {
            results.add(Backtester.run(Strategy.buyAndHold(), Backtester.continuousEnv(data, traded, rows, market),
                periodsPerYear));
        }
        Map<String, Object> settings = settings(data, traded, market);
        PrintWriter out = spec.commandLine().getOut();
        Path html = report == null ? null
            : Report.write(report, "Backtest: " + chosen.name(), data, results, settings, null);
        if (json) {
            Map<String, Object> object = new LinkedHashMap<>();
            object.put("strategy", chosen.name());
            object.put("settings", settings);
            object.put("start", data.formatTime(results.get(0).bars()[0]));
            object.put("end", data.formatTime(Math.min(last(results.get(0)), data.rows() - 1)));
            object.put("metrics", results.get(0).metricsMap());
            if (html != null) {
                object.put("report", html.toString());
            }
            out.println(Json.write(object));
        } else {
            ResultTable.print(out, data, results);
            if (html != null) {
                out.println("report: " + html);
            }
        }
        out.flush();
    }

    private static int last(BacktestResult r) {
        return r.bars()[r.bars().length - 1];
    }

    private Map<String, Object> settings(MarketData data, MarketData.Asset traded, MarketConfig market) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("data", data.source());
        s.put("asset", traded.name());
        s.put("split", splitOptions.split);
        s.put("train_fraction", splitOptions.trainFraction);
        s.put("cost", market.feeRate());
        s.put("slippage_bps", market.slippageBps());
        s.put("fill", market.fill().name().toLowerCase(java.util.Locale.ROOT));
        s.put("allow_short", market.allowShort());
        s.put("initial_cash", market.initialCash());
        s.put("periods_per_year", output.periodsPerYear());
        return s;
    }
}

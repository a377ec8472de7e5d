package io.rltrader.cli;

import io.rltrader.backtest.BacktestResult;
import io.rltrader.backtest.Report;
import io.rltrader.train.Evaluation;
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

/** {@code rltrader evaluate}: out-of-sample backtest of a trained run next to buy-and-hold and an SMA crossover. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Backtest a trained agent out of sample next to the baselines.",
        "Deterministic backtest of a trained agent on the held-out part of its data (or all of it), with the",
        "same features and market, next to buy-and-hold and sma-crossover:20,50."})
public final class EvaluateCommand implements Runnable {
    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "Run directory written by 'rltrader train'.")
    Path checkpoint;

    @Option(names = "--split", defaultValue = "test", paramLabel = "test|all", description = "Rows to evaluate on (default ${DEFAULT-VALUE}).")
    String split;

    @Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        double periodsPerYear = output.periodsPerYear();
        boolean json = output.json;
        Path report = output.report;
        Evaluation.Outcome outcome = Evaluation.evaluate(checkpoint, split, periodsPerYear);
        PrintWriter out = spec.commandLine().getOut();
        Path html = report == null ? null : writeReport(outcome, report, split, periodsPerYear);
        if (json) {
            Map<String, Object> object = new LinkedHashMap<>();
            object.put("checkpoint", checkpoint.toString());
            object.put("agent", outcome.spec().agent());
            object.put("split", split);
            List<Map<String, Object>> results = new ArrayList<>();
            for (BacktestResult r : outcome.results()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", r.name());
                entry.put("metrics", r.metricsMap());
                results.add(entry);
            }
            object.put("metrics", outcome.results().get(0).metricsMap());
            object.put("results", results);
            if (html != null) {
                object.put("report", html.toString());
            }
            out.println(Json.write(object));
        } else {
            ResultTable.print(out, outcome.prepared().data(), outcome.results());
            if (html != null) {
                out.println("report: " + html);
            }
        }
        out.flush();
    }

    static Path writeReport(Evaluation.Outcome outcome, Path dir, String split, double periodsPerYear) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("agent", outcome.spec().agent());
        settings.put("split", split);
        settings.put("train_fraction", outcome.spec().trainFraction());
        settings.put("features", String.join(",", outcome.spec().features()));
        settings.put("window", outcome.spec().window());
        settings.put("cost", outcome.spec().cost());
        settings.put("slippage_bps", outcome.spec().slippageBps());
        settings.put("fill", outcome.spec().fill());
        settings.put("allow_short", outcome.spec().allowShort());
        settings.put("training_steps", outcome.spec().steps());
        settings.put("seed", outcome.spec().seed());
        settings.put("periods_per_year", periodsPerYear);
        return Report.write(dir, "Out-of-sample evaluation: " + outcome.spec().agent(), outcome.prepared().data(),
            outcome.results(), settings, outcome.training());
    }
}

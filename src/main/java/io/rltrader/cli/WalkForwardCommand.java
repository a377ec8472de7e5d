package io.rltrader.cli;

import io.rltrader.train.RunSpec;
import io.rltrader.train.WalkForward;
import io.rltrader.util.UserInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rltrader walkforward}: retrain on rolling windows, test on the next bars, stitch, compare. */
@Command(name = "walkforward", mixinStandardHelpOptions = true,
    description = {"Retrain on rolling windows, test on the next bars, stitch and compare.",
        "Walk-forward evaluation: train a fresh agent on each window of --train-bars, test it on the next",
        "--test-bars, move by --step, stitch the test periods into one out-of-sample curve and compare it with",
        "buy-and-hold and sma-crossover:20,50 over the same bars. Takes the train command's agent and env flags."})
public final class WalkForwardCommand implements Runnable {
    @Mixin
    TrainCommand.RunFlags run;

    @Option(names = "--train-bars", required = true, paramLabel = "N", description = "Bars each agent trains on.")
    int trainBars;

    @Option(names = "--test-bars", required = true, paramLabel = "M", description = "Bars each agent is tested on.")
    int testBars;

    @Option(names = "--step", paramLabel = "K", description = "Bars between window starts (default: --test-bars).")
    Integer step;

    @Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        double periodsPerYear = output.periodsPerYear();
        boolean json = output.json;
        Path report = output.report;
        RunSpec runSpec = run.spec();
        PrintWriter out = spec.commandLine().getOut();
        int stepBars = step == null ? testBars : step;
        WalkForward.Outcome outcome = WalkForward.run(runSpec, trainBars, testBars, stepBars, periodsPerYear,
            json ? null : line -> {
                out.println(line);
                out.flush();
            });
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("agent", runSpec.agent());
        settings.put("train_bars", trainBars);
        settings.put("test_bars", testBars);
        settings.put("step", stepBars);
        settings.put("steps_per_window", runSpec.steps());
        settings.put("features", String.join(",", runSpec.features()));
        settings.put("cost", runSpec.cost());
        settings.put("seed", runSpec.seed());
        Path html = report == null ? null : WalkForward.report(outcome, report, settings);
        if (json) {
            Map<String, Object> object = new LinkedHashMap<>();
            object.put("settings", settings);
            object.put("windows", outcome.windows().size());
            object.put("metrics", outcome.results().get(0).metricsMap());
            if (outcome.results().size() > 1) {
                object.put("buy_and_hold", outcome.results().get(1).metricsMap());
            }
            if (html != null) {
                object.put("report", html.toString());
            }
            out.println(Json.write(object));
        } else {
            ResultTable.print(out, outcome.data(), outcome.results());
            if (html != null) {
                out.println("report: " + html);
            }
        }
        out.flush();
    }
}

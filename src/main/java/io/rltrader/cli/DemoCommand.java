package io.rltrader.cli;

import io.rltrader.agent.Agents;
import io.rltrader.train.Evaluation;
import io.rltrader.train.RunSpec;
import io.rltrader.train.Training;
import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code rltrader demo}: train on bundled real data, test out of sample against baselines, write a report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Train on bundled real data, test out of sample against baselines, write a report.",
        "Trains a Double DQN on the first 70% of the bundled TTR daily series (1985-2006), evaluates it on the",
        "held-out last 30% next to buy-and-hold and an SMA crossover, prints a table and writes a report."})
public final class DemoCommand implements Runnable {
    static final java.util.List<String> DEMO_FEATURES = java.util.List.of("logret:5", "logret:20", "sma:50", "sd:20");

    @Option(names = "--out", defaultValue = "rltrader-demo", paramLabel = "DIR",
        description = "Directory for the run and the report; replaced if it holds an earlier demo (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--steps", defaultValue = "60000", paramLabel = "N", description = "Training transitions (default ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Path run = this.out.resolve("run");
        clearEarlierDemo(run);
        var settings = Agents.defaults("double-dqn");
        settings.put("seed", seed);
        settings.put("learningRate", 3e-4);
        settings.put("gamma", 0.9);
        settings.put("learningStarts", 5_000);
        settings.put("targetUpdateInterval", 1);
        settings.put("tau", 0.01);
        settings.set("hidden", settings.arrayNode().add(32).add(32));
        // A small network on four slow features (5- and 20-bar returns, distance to the 50-bar mean,
        // 20-bar volatility), one bar per observation: with the default eight features and a window of
        // 4 the agent fits the training years and overtrades the held-out ones.
        RunSpec demo = new RunSpec("double-dqn", "discrete", "builtin:ttrc", null, 3000, null, 0.7, DEMO_FEATURES,
            1, 256, "log-return", 100, 0.001, 0, "close", false, 10_000, steps, 8, seed, "cpu", 2_000, 0, settings);
        out.println("rltrader demo: training double-dqn on builtin:ttrc (first 70% of 1985-2006), " + steps
            + " transitions on 8 environment copies");
        out.flush();
        TrainCommand.Progress progress = new TrainCommand.Progress(out, steps, System.console() != null);
        Training.run(demo, run, progress::show);
        progress.finish();
        Evaluation.Outcome outcome = Evaluation.evaluate(run, "test", 252);
        out.println();
        out.println("Out of sample (held-out last 30%), fee 0.1% per trade:");
        ResultTable.print(out, outcome.prepared().data(), outcome.results());
        Path html = EvaluateCommand.writeReport(outcome, this.out.resolve("report"), "test", 252);
        out.println();
        out.println("report: " + html.toAbsolutePath());
        out.flush();
    }

    /** Removes an earlier demo run in DIR/run (only if it is one: it has the run files and nothing else). */
    private static void clearEarlierDemo(Path run) {
        if (!Files.exists(run)) {
            return;
        }
        if (!Files.isRegularFile(run.resolve(Training.CONFIG_FILE))) {
            throw new UserInputException("--out: " + run + " exists and is not an earlier demo run; choose another --out");
        }
        try (Stream<Path> files = Files.walk(run)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UserInputException("cannot remove the earlier demo run " + run + " (" + e.getMessage() + ")");
        }
    }
}

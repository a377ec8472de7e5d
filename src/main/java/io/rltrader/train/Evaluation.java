package io.rltrader.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.rltrader.agent.Agents;
import io.rltrader.agent.OffPolicyAgent;
import io.rltrader.backtest.BacktestResult;
import io.rltrader.backtest.Backtester;
import io.rltrader.backtest.Report;
import io.rltrader.backtest.Strategy;
import io.rltrader.data.RowRange;
import io.rltrader.env.VectorEnv;
import io.rltrader.nn.CheckpointFiles;
import io.rltrader.nn.NativeRuntime;
import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Deterministic out-of-sample evaluation of a trained run: the agent acts greedily on the held-out
 * rows (or all rows) through the same environment it trained on, next to buy-and-hold and an SMA
 * crossover on the same rows and market.
 */
public final class Evaluation {
    /** What an evaluation produced: the spec, the prepared data, and results (agent first). */
    public record Outcome(RunSpec spec, Training.Prepared prepared, List<BacktestResult> results,
                          List<Report.TrainingPoint> training) {
    }

    private Evaluation() {
    }

    public static Outcome evaluate(Path run, String split, double periodsPerYear) {
        RunSpec spec = Training.readSpec(run);
        Path checkpoint = run.resolve(Training.CHECKPOINT_DIR);
        if (!Files.isDirectory(checkpoint)
                && !Files.isDirectory(run.resolve(Training.CHECKPOINT_DIR + CheckpointFiles.PREVIOUS_SUFFIX))) {
            throw new UserInputException("--checkpoint " + run + ": no " + Training.CHECKPOINT_DIR
                + "/ directory (the run did not finish, or this is not a run directory)");
        }
        NativeRuntime.init();
        Training.Prepared prepared = Training.prepare(spec);
        RowRange rows = switch (split.toLowerCase(Locale.ROOT)) {
            case "test" -> prepared.split().test();
            case "all" -> null;
            default -> throw new UserInputException("--split '" + split + "': expected test or all");
        };
        List<BacktestResult> results = new ArrayList<>();
        VectorEnv env = Training.evaluationEnv(spec, prepared, rows);
        try (OffPolicyAgent.BoundPolicy policy = Agents.loadPolicy(spec.agent(), checkpoint,
                NativeRuntime.device(spec.device()), env.buffers().observations(), 1, env.observationSize())) {
            results.add(Backtester.run(spec.agent(), env, (bar, buffers) -> policy.act(buffers.actions(), 0.0),
                periodsPerYear));
        } catch (UserInputException | IllegalStateException | IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing the evaluated agent failed", e);
        }
        RowRange baselineRows = new RowRange(results.get(0).bars()[0],
            rows == null ? prepared.data().rows() : rows.end());
        results.add(Backtester.run(Strategy.buyAndHold(),
            Backtester.continuousEnv(prepared.data(), prepared.asset(), baselineRows, Training.market(spec)),
            periodsPerYear));
        results.add(Backtester.run(Strategy.smaCrossover(prepared.asset(), 20, 50),
            Backtester.continuousEnv(prepared.data(), prepared.asset(), baselineRows, Training.market(spec)),
            periodsPerYear));
        return new Outcome(spec, prepared, results, readTrainingCurve(run.resolve(Training.LOG_FILE)));
    }

    /** The (transitions, mean episode reward) points of a train.jsonl; empty when the file is absent. */
    static List<Report.TrainingPoint> readTrainingCurve(Path log) {
        List<Report.TrainingPoint> points = new ArrayList<>();
        if (!Files.isRegularFile(log)) {
            return points;
        }
        try {
            int lineNumber = 0;
            for (String line : Files.readAllLines(log)) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = Training.JSON.readTree(line);
                } catch (IOException e) {
                    throw new UserInputException(log + ":" + lineNumber + ": not a JSON line");
                }
                JsonNode reward = node.get("mean_episode_reward");
                points.add(new Report.TrainingPoint(node.path("transitions").asLong(),
                    reward == null || reward.isNull() ? Double.NaN : reward.asDouble()));
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read " + log + " (" + e.getMessage() + ")");
        }
        return points;
    }
}

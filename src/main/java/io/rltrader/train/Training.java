package io.rltrader.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rltrader.agent.Agents;
import io.rltrader.agent.OffPolicyAgent;
import io.rltrader.agent.OnPolicyAgent;
import io.rltrader.data.CsvLoader;
import io.rltrader.data.DataSources;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.Normalization;
import io.rltrader.data.RowRange;
import io.rltrader.data.SyntheticSeries;
import io.rltrader.data.TimeSplits;
import io.rltrader.env.ContinuousTradingEnv;
import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.env.EnvConfig;
import io.rltrader.env.MarketConfig;
import io.rltrader.env.RewardConfig;
import io.rltrader.env.VectorEnv;
import io.rltrader.nn.CheckpointFiles;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.NativeRuntime;
import io.rltrader.nn.SafeTensorsFile;
import io.rltrader.util.DurableFiles;
import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;
import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A training run from a {@link RunSpec} to a run directory: {@code config.json} (the spec, written
 * first), {@code train.jsonl} (one line per log interval), and {@code checkpoint/} (the agent,
 * written last and atomically). Value-based agents train on the discrete environment (target
 * positions short / flat / long), SAC and TD3 on the continuous one (target fraction of equity). Also builds the data, features and environments of a spec, so that
 * evaluation uses exactly what training used. Features are normalized with statistics fitted on the
 * train rows only, so nothing of the test part leaks into training.
 */
public final class Training {
    public static final String CONFIG_FILE = "config.json";
    public static final String LOG_FILE = "train.jsonl";
    public static final String CHECKPOINT_DIR = "checkpoint";
    /** Suffix of the directory a periodic checkpoint is assembled in before it moves into place. */
    static final String STAGING_SUFFIX = ".staging";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Data, traded asset, features and split of a spec. */
    public record Prepared(MarketData data, MarketData.Asset asset, FeatureMatrix features, TimeSplits.Split split) {
    }

    private Training() {
    }

    /** The spec's market data: the file or builtin series, or the seeded synthetic one. */
    public static MarketData loadData(RunSpec spec) {
        return spec.data() != null
            ? DataSources.load(spec.data(), CsvLoader.Options.defaults())
            : SyntheticSeries.generate(SyntheticSeries.parseKind(spec.synthetic()), spec.syntheticBars(), spec.seed());
    }

    /** The traded asset of a spec in {@code data}. */
    public static MarketData.Asset asset(RunSpec spec, MarketData data) {
        return spec.asset() == null ? data.asset(0) : data.asset(spec.asset());
    }

    public static Prepared prepare(RunSpec spec) {
        MarketData data = loadData(spec);
        MarketData.Asset asset = asset(spec, data);
        TimeSplits.Split split = TimeSplits.byFraction(data.rows(), spec.trainFraction(), 0);
        FeatureMatrix features = FeatureMatrix.build(data, asset, spec.features(), Normalization.fitted(split.train()));
        return new Prepared(data, asset, features, split);
    }

    public static MarketConfig market(RunSpec spec) {
        MarketConfig.Fill fill = switch (spec.fill().toLowerCase(Locale.ROOT)) {
            case "close" -> MarketConfig.Fill.CLOSE;
            case "next-open" -> MarketConfig.Fill.NEXT_OPEN;
            default -> throw new UserInputException("--fill '" + spec.fill() + "': expected close or next-open");
        };
        return MarketConfig.frictionless().withInitialCash(spec.initialCash()).withFeeRate(spec.cost())
            .withSlippageBps(spec.slippageBps()).withFill(fill).withAllowShort(spec.allowShort());
    }

    private static RewardConfig reward(RunSpec spec) {
        RewardConfig.Kind kind = spec.reward().equalsIgnoreCase("pnl") ? RewardConfig.Kind.PNL : RewardConfig.Kind.LOG_RETURN;
        return new RewardConfig(kind, spec.rewardScale(), 0, 0);
    }

    /** The training environment: {@code envs} copies on the train rows, target-position actions. */
    /** Actions the agent chooses among (discrete) or outputs per step (continuous). */
    public static int actionSize(RunSpec spec) {
        return spec.env().equals("continuous") ? ContinuousTradingEnv.ACTION_SIZE : DiscreteTradingEnv.ACTIONS;
    }

    private static VectorEnv env(RunSpec spec, MarketData.Asset asset, FeatureMatrix features, EnvConfig env) {
        if (spec.env().equals("continuous")) {
            return new ContinuousTradingEnv(asset, features, new ContinuousTradingEnv.Config(env, market(spec)));
        }
        return new DiscreteTradingEnv(asset, features, new DiscreteTradingEnv.Config(env, market(spec),
            DiscreteTradingEnv.ActionMode.TARGET, 1));
    }

    public static VectorEnv trainingEnv(RunSpec spec, Prepared prepared) {
        return trainingEnv(spec, prepared.asset(), prepared.features(), prepared.split().train(), spec.seed());
    }

    /** {@code envs} copies on {@code rows} with random episode starts drawn from {@code seed}. */
    public static VectorEnv trainingEnv(RunSpec spec, MarketData.Asset asset, FeatureMatrix features,
                                        RowRange rows, long seed) {
        return env(spec, asset, features, EnvConfig.of(spec.envs()).withWindow(spec.window())
            .withEpisodeLength(spec.episodeLength()).withRows(rows).withSeed(seed).withReward(reward(spec)));
    }

    /** One copy over {@code rows} (null: all) in a single episode, for evaluation. */
    public static VectorEnv evaluationEnv(RunSpec spec, Prepared prepared, RowRange rows) {
        return evaluationEnv(spec, prepared.asset(), prepared.features(), rows);
    }

    public static VectorEnv evaluationEnv(RunSpec spec, MarketData.Asset asset, FeatureMatrix features,
                                          RowRange rows) {
        return env(spec, asset, features, EnvConfig.of(1).withWindow(spec.window()).withRows(rows)
            .withReward(reward(spec)));
    }

    /** A progress line of either trainer, for display. */
    public record Line(long transitions, double meanEpisodeReward, double loss, double exploration,
                       double transitionsPerSecond) {
    }

    /**
     * Trains as {@code spec} says into {@code out}, reporting each log line to {@code progress} (may
     * be null). Refuses a directory that already holds a run. Every {@code spec.checkpointInterval()}
     * transitions the run is checkpointed as a whole ({@code checkpoint/}: the agent, plus
     * {@value RunState#FILE} with the loop, env and memory state), so that {@link #resume} can
     * continue it after a crash exactly as if it had not stopped.
     */
    public static void run(RunSpec spec, Path out, Consumer<Line> progress) {
        if (Files.exists(out.resolve(CONFIG_FILE))) {
            throw new UserInputException("--out " + out + " already holds a run (" + CONFIG_FILE
                + "); choose a new directory, delete it, or continue it with --resume " + out);
        }
        NativeRuntime.init();
        Prepared prepared = prepare(spec);
        VectorEnv env = trainingEnv(spec, prepared);
        // Everything a user can get wrong (device, settings) fails here, before anything is written.
        ComputeDevice device = NativeRuntime.device(spec.device());
        if (Agents.onPolicy(spec.agent())) {
            Agents.createOnPolicy(spec.agent(), env.observationSize(), actionSize(spec), spec.envs(),
                spec.env().equals("continuous"), spec.settings()).close();
        } else {
            Agents.create(spec.agent(), env.observationSize(), actionSize(spec), spec.settings(), device).close();
        }
        try {
            Files.createDirectories(out);
            DurableFiles.writeAtomically(out.resolve(CONFIG_FILE), JSON.writeValueAsBytes(spec));
        } catch (IOException e) {
            throw new UserInputException("--out " + out + ": cannot write (" + e.getMessage() + ")");
        }
        train(spec, out, env, device, null, progress);
    }

    /**
     * Continues the interrupted run in {@code out} from its last checkpoint with the run's own
     * config: train.jsonl is cut back to the lines written before that checkpoint, the agent, env,
     * memory and loop are restored, and the run goes on to its planned steps. The result (weights,
     * checkpoint files, train.jsonl apart from wall-clock fields) is bit-identical to a run that was
     * never interrupted. A run killed before its first checkpoint starts over. Returns the run's spec.
     */
    public static RunSpec resume(Path out, Consumer<Line> progress) {
        RunSpec spec = readSpec(out, "--resume");
        Path checkpoint = out.resolve(CHECKPOINT_DIR);
        Path committed = null;
        if (Files.exists(checkpoint) || Files.exists(out.resolve(CHECKPOINT_DIR + CheckpointFiles.PREVIOUS_SUFFIX))) {
            committed = CheckpointFiles.committedDirectory(checkpoint);
            if (!Files.isRegularFile(committed.resolve(RunState.FILE))) {
                throw new UserInputException("--resume " + out + ": the run is complete (its checkpoint holds the"
                    + " final agent, " + spec.steps() + " transitions); nothing to resume");
            }
        }
        NativeRuntime.init();
        Prepared prepared = prepare(spec);
        VectorEnv env = trainingEnv(spec, prepared);
        train(spec, out, env, NativeRuntime.device(spec.device()), committed, progress);
        return spec;
    }

    /**
     * The training loop of a run directory whose config.json is written: fresh when
     * {@code resumeFrom} is null, else from that committed checkpoint directory.
     */
    private static void train(RunSpec spec, Path out, VectorEnv env, ComputeDevice device, Path resumeFrom,
                              Consumer<Line> progress) {
        RunState.Reader state = resumeFrom == null ? null : new RunState.Reader(resumeFrom.resolve(RunState.FILE));
        try (RunLog log = RunLog.open(out.resolve(LOG_FILE), state == null ? 0 : state.scalarLong("log.bytes"))) {
            if (Agents.onPolicy(spec.agent())) {
                try (OnPolicyAgent agent = resumeFrom == null
                        ? Agents.createOnPolicy(spec.agent(), env.observationSize(), actionSize(spec), spec.envs(),
                            spec.env().equals("continuous"), spec.settings())
                        : Agents.loadOnPolicy(spec.agent(), resumeFrom);
                     OnPolicyTrainer trainer = new OnPolicyTrainer(agent, env)) {
                    Consumer<OnPolicyTrainer.Progress> lines = p -> {
                        log.append(logLine(p));
                        if (progress != null) {
                            progress.accept(new Line(p.transitions(), p.meanEpisodeReward(),
                                p.lastUpdate() == null ? Double.NaN : p.lastUpdate().policyLoss(), Double.NaN,
                                p.transitionsPerSecond()));
                        }
                    };
                    drive(spec, out, log, state, agent::save, trainer::transitions, trainer::readState,
                        trainer::writeState, (steps, every, checkpoint) ->
                            trainer.run(steps, spec.logInterval(), lines, every, checkpoint));
                }
            } else {
                try (OffPolicyAgent agent = resumeFrom == null
                        ? Agents.create(spec.agent(), env.observationSize(), actionSize(spec), spec.settings(), device)
                        : Agents.load(spec.agent(), resumeFrom, device);
                     OffPolicyTrainer trainer = new OffPolicyTrainer(agent, env)) {
                    Consumer<OffPolicyTrainer.Progress> lines = p -> {
                        log.append(logLine(p));
                        if (progress != null) {
                            progress.accept(new Line(p.transitions(), p.meanEpisodeReward(), p.loss(), p.epsilon(),
                                p.transitionsPerSecond()));
                        }
                    };
                    drive(spec, out, log, state, agent::save, trainer::transitions, trainer::readState,
                        trainer::writeState, (steps, every, checkpoint) ->
                            trainer.run(steps, spec.logInterval(), lines, every, checkpoint));
                }
            }
        }
    }

    /** Runs a loop for {@code steps} transitions, calling {@code checkpoint} every {@code interval}. */
    @FunctionalInterface
    private interface Loop {
        void run(long steps, long interval, Runnable checkpoint);
    }

    /**
     * The part of a run both loops share: restore the run state (on resume), train to the planned
     * steps with periodic whole-run checkpoints, then write the final checkpoint.
     */
    private static void drive(RunSpec spec, Path out, RunLog log, RunState.Reader state, Consumer<Path> saveAgent,
                              LongSupplier transitions, Consumer<StateReader> restore, Consumer<StateWriter> save,
                              Loop loop) {
        if (state != null) {
            try {
                restore.accept(state);
            } catch (UserInputException e) {
                // Checks of the loop, env and memory name the entry; the file names itself already.
                String file = state.path().toString();
                throw e.getMessage().contains(file) ? e : new UserInputException(file + ": " + e.getMessage(), e);
            }
        }
        Runnable checkpoint = () -> checkpoint(out, saveAgent, save, log, transitions.getAsLong());
        guard(out, () -> loop.run(spec.steps() - transitions.getAsLong(), spec.checkpointInterval(), checkpoint));
        log.force();
        finish(out, saveAgent);
    }

    /**
     * Writes the agent and the run state into {@code checkpoint.staging}, then moves that directory
     * into place as {@code checkpoint} as a whole ({@link CheckpointFiles#replace}), so a kill at any
     * moment leaves the previous checkpoint or this one. train.jsonl is forced first and its length
     * recorded, so a resume cuts it back to the lines this checkpoint had seen.
     */
    private static void checkpoint(Path out, Consumer<Path> saveAgent, Consumer<StateWriter> saveRun, RunLog log,
                                   long transitions) {
        long logBytes = log.force();
        Path staging = out.resolve(CHECKPOINT_DIR + STAGING_SUFFIX);
        saveAgent.accept(staging);
        RunState.Writer state = new RunState.Writer();
        saveRun.accept(state);
        state.longs("log.bytes", logBytes);
        requireFits(state.dataBytes, transitions);
        state.file.metadata("transitions", Long.toString(transitions));
        state.file.writeAtomically(staging.resolve(RunState.FILE));
        CheckpointFiles.replace(out.resolve(CHECKPOINT_DIR), staging);
    }

    /**
     * The final checkpoint: the agent alone, which marks the run complete; then the staging
     * directories an interrupted periodic checkpoint may have left are removed.
     */
    private static void finish(Path out, Consumer<Path> saveAgent) {
        saveAgent.accept(out.resolve(CHECKPOINT_DIR));
        Path staging = out.resolve(CHECKPOINT_DIR + STAGING_SUFFIX);
        try {
            for (String suffix : new String[] {"", CheckpointFiles.INCOMING_SUFFIX, CheckpointFiles.PREVIOUS_SUFFIX}) {
                DurableFiles.deleteRecursively(staging.resolveSibling(staging.getFileName() + suffix), step -> { });
            }
        } catch (IOException e) {
            throw new UserInputException("cannot remove " + staging + " (" + e.getMessage() + ")");
        }
    }

    /**
     * Refuses a run state larger than a checkpoint file holds, before anything is written: a file
     * that {@code --resume} could not read back would pass for a checkpoint.
     */
    static void requireFits(long dataBytes, long transitions) {
        if (dataBytes > SafeTensorsFile.MAX_DATA_BYTES) {
            throw new UserInputException("checkpoint at transition " + transitions + ": the run state (replay memory"
                + " included) is " + dataBytes / (1L << 20) + " MiB, above the "
                + SafeTensorsFile.MAX_DATA_BYTES / (1L << 20) + " MiB a checkpoint file holds; lower the agent's"
                + " bufferSize (--set bufferSize=N)");
        }
    }

    /** Adds the last good checkpoint to a numeric fault's message. */
    private static void guard(Path out, Runnable training) {
        try {
            training.run();
        } catch (NumericFault fault) {
            Path checkpoint = out.resolve(CHECKPOINT_DIR);
            String last = Files.exists(checkpoint) ? "; the last good checkpoint is " + checkpoint
                + " (evaluate it with rltrader evaluate --checkpoint " + out + ")" : "; no checkpoint was written yet";
            throw new NumericFault(fault.getMessage() + last);
        }
    }

    /** One train.jsonl line of an on-policy run; {@code transitions_per_s} is the only wall-clock field. */
    static Map<String, Object> logLine(OnPolicyTrainer.Progress p) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("transitions", p.transitions());
        line.put("updates", p.updates());
        line.put("episodes", p.episodes());
        line.put("mean_episode_reward", finite(p.meanEpisodeReward()));
        OnPolicyAgent.UpdateStats u = p.lastUpdate();
        if (u != null) {
            line.put("policy_loss", finite(u.policyLoss()));
            line.put("value_loss", finite(u.valueLoss()));
            line.put("entropy", finite(u.entropy()));
            line.put("approx_kl", finite(u.approxKl()));
            line.put("clip_fraction", finite(u.clipFraction()));
            line.put("explained_variance", finite(u.explainedVariance()));
            line.put("learning_rate", u.learningRate());
        }
        line.put("transitions_per_s", Math.round(p.transitionsPerSecond()));
        return line;
    }

    /** One train.jsonl line; {@code transitions_per_s} is the only wall-clock field. */
    static Map<String, Object> logLine(OffPolicyTrainer.Progress p) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("transitions", p.transitions());
        line.put("updates", p.updates());
        line.put("episodes", p.episodes());
        line.put("mean_episode_reward", finite(p.meanEpisodeReward()));
        line.put("loss", finite(p.loss()));
        line.put("epsilon", p.epsilon());
        line.put("transitions_per_s", Math.round(p.transitionsPerSecond()));
        return line;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Reads a run directory's spec. */
    public static RunSpec readSpec(Path run) {
        return readSpec(run, "--checkpoint");
    }

    /** Reads a run directory's spec; errors name the directory as {@code flag} gave it. */
    public static RunSpec readSpec(Path run, String flag) {
        Path file = run.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(flag + " " + run + ": no " + CONFIG_FILE
                + " (expected the --out directory of 'rltrader train')");
        }
        try {
            return JSON.readValue(file.toFile(), RunSpec.class);
        } catch (UserInputException e) {
            throw new UserInputException(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UserInputException(file + ": not a run configuration (" + e.getMessage().split("\n")[0] + ")");
        }
    }

}

package io.rltrader.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.rltrader.agent.Agents;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.train.RunSpec;
import io.rltrader.train.Training;
import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code rltrader train}: train an agent on the train part of a series and save the run. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train an agent and save the run (config, log, checkpoint).",
        "Trains on the first --train-fraction of a series (real data or synthetic) and writes OUT/config.json,",
        "OUT/train.jsonl and OUT/checkpoint/. The rest of the series stays held out for evaluate.",
        "The whole run is checkpointed every --checkpoint-interval transitions; 'train --resume OUT' continues",
        "an interrupted run from there, exactly as if it had not stopped."})
public final class TrainCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    RunFlags flags;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory to create.")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR",
        description = "Continue the interrupted run in DIR with its own config (no other run flags).")
    Path resume;

    @Option(names = "--quiet", description = "No progress output.")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The flags that define a run (everything but where it goes), shared with walkforward. */
    public static final class RunFlags {
        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec command;

        @Option(names = "--agent", paramLabel = "NAME",
            description = "Agent (required): ${COMPLETION-CANDIDATES}.", completionCandidates = AgentNames.class)
        String agent;

        @Option(names = "--data", paramLabel = "FILE", description = "CSV file or builtin:ttrc / builtin:eustockmarkets.")
        String data;

        @Option(names = "--synthetic", paramLabel = "KIND", description = "Synthetic series instead of --data: gbm, ou, sine, regime.")
        String synthetic;

        @Option(names = "--bars", defaultValue = "3000", paramLabel = "N", description = "Bars of a synthetic series (default ${DEFAULT-VALUE}).")
        int bars;

        @Option(names = "--asset", paramLabel = "NAME", description = "Asset to trade (default: the first).")
        String asset;

        @Option(names = "--env", paramLabel = "KIND",
            description = "Environment: discrete (value-based agents, reinforce) or continuous (sac, td3); ppo takes either (default discrete).")
        String env;

        @Option(names = "--steps", paramLabel = "N", description = "Transitions to collect, all env copies together (required).")
        Long steps;

        @Option(names = "--envs", defaultValue = "8", paramLabel = "N", description = "Environment copies stepped together (default ${DEFAULT-VALUE}).")
        int envs;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Run seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda", description = "Compute device (default ${DEFAULT-VALUE}).")
        String device;

        @Option(names = "--train-fraction", defaultValue = "0.7", paramLabel = "F",
            description = "Fraction of rows, from the start, to train on (default ${DEFAULT-VALUE}).")
        double trainFraction;

        @Option(names = "--features", split = ",", paramLabel = "F1,F2",
            description = "Observation features (default: logret,logret:5,rsi:14,macd,macdhist,bbpctb:20,sd:20,sma:50).")
        List<String> features;

        @Option(names = "--window", defaultValue = "4", paramLabel = "W", description = "Feature rows per observation (default ${DEFAULT-VALUE}).")
        int window;

        @Option(names = "--episode-length", defaultValue = "256", paramLabel = "N",
            description = "Steps per training episode from random starts; 0 for the whole train part (default ${DEFAULT-VALUE}).")
        int episodeLength;

        @Option(names = "--reward", defaultValue = "log-return", paramLabel = "R", description = "log-return or pnl (default ${DEFAULT-VALUE}).")
        String reward;

        @Option(names = "--reward-scale", defaultValue = "100", paramLabel = "X", description = "Reward multiplier (default ${DEFAULT-VALUE}).")
        double rewardScale;

        @Mixin
        MarketOptions marketOptions;

        @Option(names = "--config", paramLabel = "FILE.json", description = "JSON object of agent settings over the defaults.")
        Path config;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Agent setting over the defaults and --config (repeatable).")
        List<String> sets = new ArrayList<>();

        @Option(names = "--log-interval", defaultValue = "10000", paramLabel = "N",
            description = "Transitions between train.jsonl lines (default ${DEFAULT-VALUE}).")
        long logInterval;

        @Option(names = "--checkpoint-interval", defaultValue = "0", paramLabel = "N",
            description = "Transitions between checkpoints of the whole run; 0: a tenth of --steps (default ${DEFAULT-VALUE}).")
        long checkpointInterval;

        RunSpec spec() {
            if (agent == null) {
                throw new CommandLine.ParameterException(command.commandLine(), "Missing required option: '--agent=NAME'");
            }
            if (steps == null) {
                throw new CommandLine.ParameterException(command.commandLine(), "Missing required option: '--steps=N'");
            }
            String kind = Agents.continuous(agent) ? "continuous" : "discrete";
            if (env != null && agent.equals("ppo") && (env.equalsIgnoreCase("continuous") || env.equalsIgnoreCase("discrete"))) {
                kind = env.toLowerCase(Locale.ROOT);
            } else if (env != null && !env.equalsIgnoreCase(kind)) {
                throw new UserInputException("--env '" + env + "': agent " + agent + " acts on the " + kind
                    + " environment");
            }
            if (bars < 100) {
                throw new UserInputException("--bars " + bars + ": expected at least 100 bars");
            }
            ObjectNode settings = Agents.defaults(agent);
            if (config != null) {
                JsonNode file;
                try {
                    file = JSON.readTree(Files.readString(config));
                } catch (IOException e) {
                    throw new UserInputException("--config " + config + ": cannot read a JSON object ("
                        + e.getMessage().split("\n")[0] + ")");
                }
                Agents.override(agent, settings, file, "--config " + config);
            }
            for (String set : sets) {
                int eq = set.indexOf('=');
                if (eq <= 0) {
                    throw new UserInputException("--set '" + set + "': expected KEY=VALUE, e.g. --set learningRate=0.0003");
                }
                ObjectNode one = JSON.createObjectNode();
                one.set(set.substring(0, eq).trim(), value(set.substring(eq + 1).trim()));
                Agents.override(agent, settings, one, "--set " + set);
            }
            settings.put("seed", seed);
            MarketOptions m = marketOptions;
            m.market();
            return new RunSpec(agent, kind, data, synthetic == null ? null : synthetic.toLowerCase(Locale.ROOT), bars, asset,
                trainFraction, features == null ? FeatureMatrix.DEFAULT_FEATURES : features, window, episodeLength, reward,
                rewardScale, m.cost, m.slippageBps, m.fill, m.allowShort, m.initialCash, steps, envs, seed, device,
                logInterval, checkpointInterval, settings);
        }
    }

    /** Lists agent names in --help. */
    static final class AgentNames extends ArrayList<String> {
        AgentNames() {
            super(Agents.names());
        }
    }

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (resume != null) {
            List<String> others = new ArrayList<>();
            for (CommandLine.Model.OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
                if (!option.longestName().equals("--resume") && !option.longestName().equals("--quiet")) {
                    others.add(option.longestName());
                }
            }
            if (!others.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--resume continues a run with its own"
                    + " config.json; remove " + String.join(", ", others));
            }
        } else if (this.out == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing required option: '--out=DIR' (or --resume DIR to continue a run)");
        }
        Path directory = resume != null ? resume : this.out;
        RunSpec run = resume != null ? Training.readSpec(resume, "--resume") : flags.spec();
        Progress progress = quiet ? null : new Progress(out, run.steps(), System.console() != null);
        if (resume != null) {
            Training.resume(resume, progress == null ? null : progress::show);
        } else {
            Training.run(run, directory, progress == null ? null : progress::show);
        }
        if (progress != null) {
            progress.finish();
        }
        out.println("run written to " + directory + " (config.json, train.jsonl, checkpoint/); next: rltrader evaluate"
            + " --checkpoint " + directory);
        out.flush();
    }

    static JsonNode value(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return TextNode.valueOf(text);
        }
    }

    /** Progress on a terminal (one updating line with ETA) or as plain lines. */
    static final class Progress {
        private final PrintWriter out;
        private final long total;
        private final boolean terminal;
        private final long start = System.nanoTime();

        Progress(PrintWriter out, long total, boolean terminal) {
            this.out = out;
            this.total = total;
            this.terminal = terminal;
        }

        void show(Training.Line p) {
            double done = Math.min(1.0, (double) p.transitions() / total);
            double elapsed = (System.nanoTime() - start) / 1e9;
            double eta = done > 0 ? elapsed * (1 - done) / done : Double.NaN;
            String metrics = String.format(Locale.ROOT, "%,d/%,d  reward %s  loss %s  exploration %s  %,.0f steps/s  eta %s",
                p.transitions(), total, number(p.meanEpisodeReward()), number(p.loss()), number(p.exploration()),
                p.transitionsPerSecond(), Double.isFinite(eta) ? Math.round(eta) + "s" : "-");
            if (terminal) {
                int width = 24;
                int filled = (int) Math.round(done * width);
                out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] "
                    + String.format(Locale.ROOT, "%3.0f%% ", 100 * done) + metrics);
            } else {
                out.println("train " + metrics);
            }
            out.flush();
        }

        void finish() {
            if (terminal) {
                out.println();
            }
        }

        private static String number(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "-";
        }
    }
}

package io.rltrader.cli;

import io.rltrader.util.UserInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rltrader} command line. Exit codes: 0 success, 1 bad input or a failure while
 * running (one line on stderr naming the input and what was expected), 2 bad usage (unknown flag,
 * bad flag value).
 */
@Command(name = "rltrader", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Reinforcement-learning trading kernel: data, environments, agents, backtests.",
    subcommands = {DemoCommand.class, TrainCommand.class, EvaluateCommand.class, WalkForwardCommand.class,
        BacktestCommand.class, DataCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_INPUT = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit code (for tests and embedding). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            String command = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println("rltrader: " + firstLine(ex.getMessage()) + " (see '" + command + " --help')");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UserInputException) {
                err.println("rltrader: error: " + firstLine(ex.getMessage()));
                return EXIT_INPUT;
            }
            throw ex;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: demo, train, evaluate, walkforward, backtest, data");
    }

    /** The version from the jar manifest, or the build's when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"rltrader " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}

package io.rltrader.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rltrader data ...}: commands about market data files. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Inspect market data.",
    subcommands = {DataInspectCommand.class})
public final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: inspect");
    }
}

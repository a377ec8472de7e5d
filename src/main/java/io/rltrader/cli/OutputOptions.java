package io.rltrader.cli;

import io.rltrader.util.UserInputException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command that produces backtest results reports them: annualization, JSON, report directory. */
public final class OutputOptions {
    @Option(names = "--periods-per-year", paramLabel = "N", defaultValue = "252",
        description = "Bars per year for annualized metrics: 252 daily, 52 weekly, 8760 hourly 24/7 (default ${DEFAULT-VALUE}).")
    double periodsPerYear;

    @Option(names = "--json", description = "Print one JSON object (settings and metrics) and nothing else on stdout.")
    boolean json;

    @Option(names = "--report", paramLabel = "DIR", description = "Write report.html, charts and report.json to DIR.")
    Path report;

    /** The checked periods per year. */
    double periodsPerYear() {
        if (!(periodsPerYear > 0) || Double.isInfinite(periodsPerYear)) {
            throw new UserInputException("--periods-per-year " + periodsPerYear + ": expected a number > 0");
        }
        return periodsPerYear;
    }
}

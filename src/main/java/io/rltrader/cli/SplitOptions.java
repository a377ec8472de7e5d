package io.rltrader.cli;

import io.rltrader.data.RowRange;
import io.rltrader.data.TimeSplits;
import io.rltrader.util.UserInputException;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Which rows a command uses: all of them, or the chronological train / test part. */
public final class SplitOptions {
    @Option(names = "--split", paramLabel = "all|train|test", defaultValue = "all",
        description = "Rows to use: all, or the first (train) / last (test) part by --train-fraction (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--train-fraction", paramLabel = "F", defaultValue = "0.7",
        description = "Fraction of rows, from the start, in the train part (default ${DEFAULT-VALUE}).")
    double trainFraction;

    /** The rows of the chosen part of a series of {@code rows} bars (null for all). */
    public RowRange rows(int rows) {
        return rows(split, trainFraction, rows);
    }

    static RowRange rows(String split, double trainFraction, int rows) {
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new UserInputException("--train-fraction " + trainFraction + ": expected a number in (0, 1)");
        }
        String s = split.trim().toLowerCase(Locale.ROOT);
        if (s.equals("all")) {
            return null;
        }
        TimeSplits.Split parts = TimeSplits.byFraction(rows, trainFraction, 0);
        return switch (s) {
            case "train" -> parts.train();
            case "test" -> parts.test();
            default -> throw new UserInputException("--split '" + split + "': expected all, train or test");
        };
    }
}

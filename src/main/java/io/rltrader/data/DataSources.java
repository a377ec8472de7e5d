package io.rltrader.data;

import io.rltrader.util.UserInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens market data by name: a CSV path, or {@code builtin:NAME} for the real series bundled with
 * rltrader ({@code builtin:ttrc}, daily OHLCV of one US stock 1985-2006; {@code builtin:eustockmarkets},
 * daily closes of DAX, SMI, CAC and FTSE 1991-1998).
 */
public final class DataSources {
    public static final List<String> BUILTIN = List.of("ttrc", "eustockmarkets");
    private static final String PREFIX = "builtin:";

    private DataSources() {
    }

    public static MarketData load(String spec, CsvLoader.Options options) {
        if (spec == null || spec.isBlank()) {
            throw new UserInputException("--data: expected a CSV file or one of builtin:" + String.join(", builtin:", BUILTIN));
        }
        if (!spec.startsWith(PREFIX)) {
            return CsvLoader.load(Path.of(spec), options);
        }
        String name = spec.substring(PREFIX.length());
        if (!BUILTIN.contains(name)) {
            throw new UserInputException("--data " + spec + ": no such bundled series (expected builtin:"
                + String.join(" or builtin:", BUILTIN) + ")");
        }
        InputStream in = DataSources.class.getResourceAsStream(name + ".csv");
        if (in == null) {
            throw new IllegalStateException("bundled series " + name + ".csv is missing from the class path");
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return CsvLoader.load(spec, reader, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.rltrader.cli;

import io.rltrader.data.CsvLoader;
import io.rltrader.data.DataSources;
import io.rltrader.data.MarketData;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags every command that reads market data shares. */
public final class DataOptions {
    @Option(names = "--data", required = true, paramLabel = "FILE",
        description = "CSV file of bars (OHLCV or one column per asset), or builtin:ttrc / builtin:eustockmarkets.")
    String data;

    @Option(names = "--assets", split = ",", paramLabel = "A,B",
        description = "Columns of a wide file to use as assets (default: every non-time column).")
    List<String> assets = new ArrayList<>();

    @Option(names = "--price-column", paramLabel = "C", defaultValue = "Close",
        description = "Column holding the traded price (default: ${DEFAULT-VALUE}).")
    String priceColumn;

    @Option(names = "--fill-forward",
        description = "Fill missing values from the previous row (counted and reported) instead of failing.")
    boolean fillForward;

    public MarketData load() {
        return DataSources.load(data, new CsvLoader.Options(priceColumn, assets, fillForward));
    }
}

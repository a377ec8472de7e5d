package io.rltrader.data;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the reference files in tests/resources/data. */
public final class TestData {
    private TestData() {
    }

    public static Path path(String name) {
        try {
            return Path.of(TestData.class.getResource("/data/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource /data/" + name + " missing", e);
        }
    }

    public static MarketData ttrc() {
        return CsvLoader.load(path("ttrc.csv"));
    }

    public static MarketData euStocks() {
        return CsvLoader.load(path("eustockmarkets.csv"));
    }
}

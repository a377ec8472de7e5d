package io.rltrader.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rltrader.data.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataInspectCommandTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void jsonIsOneObjectWithBuyAndHoldMetricsMatchingR() throws Exception {
        Result r = run("data", "inspect", "--data", TestData.path("ttrc.csv").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(5550, json.get("rows").asInt());
        assertEquals("1985-01-02", json.get("first_time").asText());
        assertEquals("ohlcv", json.get("layout").asText());
        assertEquals(5, json.get("columns").size());
        JsonNode m = json.get("assets").get(0).get("buy_and_hold");
        assertEquals(15.8668831169, m.get("total_return").asDouble(), 1e-8 * 15.9);
        assertEquals(0.1369046807, m.get("cagr").asDouble(), 1e-8);
        assertEquals(0.2263138449, m.get("ann_vol").asDouble(), 1e-8);
        assertEquals(0.6807917098, m.get("sharpe").asDouble(), 1e-8);
        assertEquals(0.9755441739, m.get("sortino").asDouble(), 1e-8);
        assertEquals(0.5701553931, m.get("max_drawdown").asDouble(), 1e-8);
        assertEquals(0.2401181895, m.get("calmar").asDouble(), 1e-8);
        assertEquals(1, json.get("gaps").get("count").asInt());
        assertEquals("", r.err());
    }

    @Test
    void wideFileAssetsAreSelectedAndEachGetsMetrics() throws Exception {
        Result r = run("data", "inspect", "--data", "builtin:eustockmarkets", "--assets", "DAX,FTSE", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode assets = new ObjectMapper().readTree(r.out()).get("assets");
        assertEquals(2, assets.size());
        assertEquals("FTSE", assets.get(1).get("name").asText());
        assertEquals(1.2323620887, assets.get(1).get("buy_and_hold").get("total_return").asDouble(), 1e-8);
        assertEquals(0.7894213393, assets.get(0).get("buy_and_hold").get("calmar").asDouble(), 1e-8);
    }

    @Test
    void periodsPerYearChangesAnnualization() throws Exception {
        Result r = run("data", "inspect", "--data", "builtin:ttrc", "--json", "--periods-per-year", "52");
        JsonNode m = new ObjectMapper().readTree(r.out()).get("assets").get(0).get("buy_and_hold");
        assertEquals(0.6807917098 * Math.sqrt(52.0 / 252), m.get("sharpe").asDouble(), 1e-8);
    }

    @Test
    void humanTableShowsFormatRowsAndMetrics() {
        Result r = run("data", "inspect", "--data", "builtin:ttrc");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("rows          5550  (1985-01-02 .. 2006-12-29)"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("sharpe\\s+0\\.6808")), r.out());
    }

    @Test
    void usageErrorsAreOneLineWithExitCode2() {
        Result unknown = run("data", "inspect", "--data", "builtin:ttrc", "--frobnicate");
        assertEquals(2, unknown.code());
        assertEquals("rltrader: Unknown option: '--frobnicate' (see 'rltrader data inspect --help')",
            unknown.err().strip());
        Result badValue = run("data", "inspect", "--data", "builtin:ttrc", "--periods-per-year", "many");
        assertEquals(2, badValue.code());
        assertEquals(1, badValue.err().strip().lines().count());
        Result missing = run("data", "inspect");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--data"), missing.err());
        assertEquals(2, run("data").code());
        assertEquals(2, run("nonsense").code());
    }

    @Test
    void badInputIsOneLineWithExitCode1AndNothingOnStdout() throws Exception {
        Path bad = dir.resolve("prices.csv");
        Files.writeString(bad, "Date,Close\n2020-01-02,10\n2020-01-03,oops\n");
        Result r = run("data", "inspect", "--data", bad.toString(), "--json");
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertEquals("rltrader: error: " + bad + ":3: column Close: 'oops' is not a number", r.err().strip());
        Result builtin = run("data", "inspect", "--data", "builtin:nasdaq");
        assertEquals(1, builtin.code());
        assertTrue(builtin.err().contains("no such bundled series"), builtin.err());
        Result periods = run("data", "inspect", "--data", "builtin:ttrc", "--periods-per-year", "0");
        assertEquals(1, periods.code());
        assertTrue(periods.err().contains("--periods-per-year"));
    }

    @Test
    void helpIsAvailableForEveryCommand() {
        for (String[] args : new String[][] {{"--help"}, {"data", "--help"}, {"data", "inspect", "--help"}}) {
            Result r = run(args);
            assertEquals(0, r.code());
            assertTrue(r.out().contains("Usage:"), r.out());
        }
    }
}

package io.rltrader.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvLoaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private UserInputException error(String content) throws IOException {
        Path p = write("bad.csv", content);
        return assertThrows(UserInputException.class, () -> CsvLoader.load(p));
    }

    private UserInputException error(String content, CsvLoader.Options options) throws IOException {
        Path p = write("bad.csv", content);
        return assertThrows(UserInputException.class, () -> CsvLoader.load(p, options));
    }

    @Test
    void loadsTheBundledTtrcSeries() {
        MarketData d = TestData.ttrc();
        assertEquals(MarketData.Layout.OHLCV, d.layout());
        assertEquals(TimeFormat.DATE, d.timeFormat());
        assertEquals(5550, d.rows());
        assertEquals("1985-01-02", d.formatTime(0));
        assertEquals("2006-12-29", d.formatTime(5549));
        MarketData.Asset a = d.asset(0);
        assertEquals("ttrc", a.name());
        assertEquals(3.08, a.price().get(0));
        assertEquals(3.18, a.open().get(0));
        assertEquals(1870906, a.volume().get(0));
        assertEquals(List.of("Open", "High", "Low", "Close", "Volume"), d.columnNames());
    }

    @Test
    void loadsTheWideEuStockMarketsFileWithAssetSelection() {
        MarketData all = TestData.euStocks();
        assertEquals(MarketData.Layout.WIDE, all.layout());
        assertEquals(TimeFormat.ORDINAL, all.timeFormat());
        assertEquals(4, all.assetCount());
        MarketData two = CsvLoader.load(TestData.path("eustockmarkets.csv"),
            CsvLoader.Options.defaults().withAssets(List.of("dax", "FTSE")));
        assertEquals(2, two.assetCount());
        assertEquals("DAX", two.asset(0).name());
        assertEquals(1628.75, two.asset("DAX").price().get(0));
        assertEquals(1860, two.rows());
    }

    @Test
    void headersAreCaseInsensitiveQuotedOrNotAndAdjCloseSelectable() throws IOException {
        Path p = write("y.csv", "\"DATE\",open,HIGH,\"low\",close,Adj Close,VOLUME\n"
            + "2020-01-02,10,11,9,10.5,5.25,100\n2020-01-03,10.5,12,10,11,5.5,200\n");
        MarketData d = CsvLoader.load(p, CsvLoader.Options.defaults().withPriceColumn("adj close"));
        assertEquals(5.25, d.asset(0).price().get(0));
        assertEquals(10.0, d.asset(0).open().get(0));
        MarketData close = CsvLoader.load(p);
        assertEquals(10.5, close.asset(0).price().get(0));
    }

    @Test
    void timeFormatsAreDetected() throws IOException {
        assertEquals(TimeFormat.DATE_TIME, CsvLoader.load(write("a.csv",
            "Datetime,Close\n2020-01-02 09:30:00,1\n2020-01-02T09:31:00,2\n")).timeFormat());
        MarketData secs = CsvLoader.load(write("b.csv", "timestamp,close\n1577836800,1\n1577836860,2\n"));
        assertEquals(TimeFormat.EPOCH_SECONDS, secs.timeFormat());
        assertEquals(1577836800_000L, secs.time(0));
        MarketData millis = CsvLoader.load(write("c.csv", "Time,Close\n1577836800000,1\n1577836800500,2\n"));
        assertEquals(TimeFormat.EPOCH_MILLIS, millis.timeFormat());
        assertEquals(1577836800500L, millis.time(1));
        MarketData zoned = CsvLoader.load(write("z.csv", "Datetime,Close\n2020-01-02T09:30:00Z,1\n2020-01-02T10:31:00+01:00,2\n"));
        assertEquals(60_000L, zoned.time(1) - zoned.time(0), "offsets are applied");
        MarketData none = CsvLoader.load(write("d.csv", "Open,High,Low,Close\n1,2,0.5,1.5\n1.5,2,1,1.8\n"));
        assertEquals(TimeFormat.ROW_INDEX, none.timeFormat());
        assertEquals(1, none.time(1));
    }

    @Test
    void offsetTimesThatCollideAreDuplicates() throws IOException {
        UserInputException e = error("Datetime,Close\n2020-01-02T09:30:00Z,1\n2020-01-02T10:30:00+01:00,2\n");
        assertTrue(e.getMessage().contains("bad.csv:3") && e.getMessage().contains("repeats"), e.getMessage());
    }

    @Test
    void unparseableNumberNamesFileLineAndColumn() throws IOException {
        UserInputException e = error("Date,Close\n2020-01-02,1\n2020-01-03,abc\n");
        assertTrue(e.getMessage().endsWith("bad.csv:3: column Close: 'abc' is not a number"), e.getMessage());
    }

    @Test
    void missingRequiredColumnIsAnError() throws IOException {
        UserInputException e = error("Date,Open,High,Low\n2020-01-02,1,2,1\n");
        assertTrue(e.getMessage().contains("missing required column 'Close'"), e.getMessage());
        UserInputException p = error("Date,Close\n2020-01-02,1\n", CsvLoader.Options.defaults().withPriceColumn("Adj Close"));
        assertTrue(p.getMessage().contains("--price-column 'Adj Close' not found"), p.getMessage());
        UserInputException a = error("day,DAX\n1,2\n", CsvLoader.Options.defaults().withAssets(List.of("SMI")));
        assertTrue(a.getMessage().contains("--assets: no column 'SMI'"), a.getMessage());
    }

    @Test
    void nonPositiveAndNanPricesAreErrors() throws IOException {
        assertTrue(error("Date,Close\n2020-01-02,1\n2020-01-03,0\n").getMessage()
            .contains("bad.csv:3: column Close: price 0 (expected a finite number > 0)"));
        assertTrue(error("Date,Close\n2020-01-02,-5\n").getMessage().contains("bad.csv:2"));
        assertTrue(error("Date,Close\n2020-01-02,1\n2020-01-03,NaN\n").getMessage()
            .contains("bad.csv:3: column Close: missing value 'NaN'"));
        assertTrue(error("Date,Close\n2020-01-02,Infinity\n").getMessage().contains("expected a finite number > 0"));
        assertTrue(error("Date,Close,Volume\n2020-01-02,1,-3\n").getMessage().contains("volume -3"));
    }

    @Test
    void highBelowLowIsAnError() throws IOException {
        UserInputException e = error("Date,Open,High,Low,Close\n2020-01-02,1,2,1,1.5\n2020-01-03,1,1,2,1.5\n");
        assertTrue(e.getMessage().contains("bad.csv:3: high 1.0 is below low 2.0"), e.getMessage());
    }

    @Test
    void timesOutOfOrderOrDuplicatedAreErrors() throws IOException {
        assertTrue(error("Date,Close\n2020-01-03,1\n2020-01-02,2\n").getMessage()
            .contains("bad.csv:3: time 2020-01-02 is before the previous row's 2020-01-03"));
        assertTrue(error("Date,Close\n2020-01-02,1\n2020-01-02,2\n").getMessage()
            .contains("bad.csv:3: time 2020-01-02 repeats the previous row's"));
        assertTrue(error("Date,Close\n2020-01-02,1\n2020-13-45,2\n").getMessage()
            .contains("bad.csv:3: column Date: '2020-13-45' is not a ISO date"));
        assertTrue(error("Date,Close\nyesterday,1\n").getMessage().contains("'yesterday' is not a time"));
    }

    @Test
    void raggedRowsEmptyAndHeaderOnlyFilesAreErrors() throws IOException {
        assertTrue(error("Date,Close\n2020-01-02,1\n2020-01-03,2,7\n").getMessage()
            .contains("bad.csv:3: 3 fields, expected 2"));
        assertTrue(error("").getMessage().contains("file is empty"));
        assertTrue(error("Date,Close\n").getMessage().contains("header only, no data rows"));
        assertTrue(error("Date,Close,Close\n2020-01-02,1,1\n").getMessage().contains("duplicate column"));
        UserInputException missing = assertThrows(UserInputException.class,
            () -> CsvLoader.load(dir.resolve("nope.csv")));
        assertTrue(missing.getMessage().endsWith("nope.csv: no such file"));
    }

    @Test
    void binaryGarbageIsRejectedAsNotUtf8() throws IOException {
        Path p = dir.resolve("bin.csv");
        Files.write(p, new byte[] {'D', 'a', 't', 'e', ',', 'C', '\n', (byte) 0xff, (byte) 0xfe, 0, 1, 2, '\n'});
        UserInputException e = assertThrows(UserInputException.class, () -> CsvLoader.load(p));
        assertTrue(e.getMessage().contains("not UTF-8 text"), e.getMessage());
    }

    @Test
    void forwardFillIsExplicitAndCounted() throws IOException {
        String content = "Date,Close,Volume\n2020-01-02,1,10\n2020-01-03,,\n2020-01-06,NA,5\n2020-01-07,2,6\n";
        assertThrows(UserInputException.class, () -> CsvLoader.load(write("g.csv", content)));
        MarketData d = CsvLoader.load(write("g.csv", content), CsvLoader.Options.defaults().withFillForward(true));
        assertEquals(3, d.filledValues());
        assertEquals(1.0, d.asset(0).price().get(2));
        assertEquals(10.0, d.asset(0).volume().get(1));
        assertTrue(error("Date,Close\n2020-01-02,\n", CsvLoader.Options.defaults().withFillForward(true))
            .getMessage().contains("first row cannot be forward-filled"));
    }

    @Test
    void wideFileWithoutSelectionUsesEveryNonTimeColumn() throws IOException {
        MarketData d = CsvLoader.load(write("w.csv", "day,A,B\n1,10,20\n2,11,19\n"));
        assertEquals(2, d.assetCount());
        assertNull(d.asset("A").open());
        assertEquals(19.0, d.asset("B").price().get(1));
    }

    @Test
    void theFastDecimalPathGivesExactlyWhatDoubleParseDoubleGives() {
        for (String text : new String[] {"0", "-0", "+0", "0.0", "-0.0", "1.", ".5", "-.5", "100.12", "0.1", "0.3",
            "999999999999999", "99999999999999.9", "0.00000000000001", "123456789012345", "4.35", "2.675",
            "0.000001234", "+17.5", "00000000000001.5"}) {
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(text)),
                Double.doubleToRawLongBits(CsvLoader.parseSimpleDecimal(text)), text);
        }
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 200_000; i++) {
            int digits = 1 + random.nextInt(15);
            StringBuilder text = new StringBuilder(random.nextInt(4) == 0 ? "-" : "");
            int point = random.nextInt(digits + 1);
            for (int d = 0; d < digits; d++) {
                if (d == point && d > 0) {
                    text.append('.');
                }
                text.append((char) ('0' + random.nextInt(10)));
            }
            String value = text.toString();
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(value)),
                Double.doubleToRawLongBits(CsvLoader.parseSimpleDecimal(value)), value);
        }
    }

    @Test
    void textTheFastPathDoesNotTakeGoesToTheGeneralParser() {
        for (String text : new String[] {"", "-", ".", "1e5", "1E-3", "NaN", "Infinity", "0x1p3", "1.5d", "1,5",
            "1.2.3", "1234567890123456", "0.0000000000000001", " 1", "--1"}) {
            assertTrue(Double.isNaN(CsvLoader.parseSimpleDecimal(text)), text);
        }
    }

    @Test
    void numbersBeyondTheFastPathStillLoadExactly() throws IOException {
        MarketData d = CsvLoader.load(write("e.csv", "day,Close,Volume\n1,1.5e2,1E3\n2,123456789.123456789,0\n"));
        assertEquals(150.0, d.asset(0).price().get(0));
        assertEquals(1000.0, d.asset(0).volume().get(0));
        assertEquals(123456789.123456789, d.asset(0).price().get(1));
    }
}

package io.rltrader.data;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.rltrader.util.UserInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Loads OHLCV bars from CSV as users have them, streaming into off-heap columns.
 *
 * <p>Header names are case-insensitive, quoted or not: a time column ({@code Date}, {@code Datetime},
 * {@code Timestamp}, {@code Time} or {@code Day}; optional), {@code Open}, {@code High}, {@code Low},
 * {@code Close}, {@code Adj Close}, {@code Volume}. Times may be ISO dates, ISO date-times, epoch
 * seconds, epoch milliseconds or an integer ordinal. A file whose header has no Close (or whose
 * assets are chosen with {@link Options#assets()}) is read as "wide": one price column per asset.
 *
 * <p>Every problem is a {@link UserInputException} naming {@code file:line} and what was expected;
 * nothing is dropped or filled unless {@link Options#fillForward()} allows filling missing values
 * from the previous row, which {@link MarketData#filledValues()} then counts.
 *
 * <p>Memory: the file is read one record at a time and never held; each row costs 8 bytes per
 * column (and 8 for its time) of off-heap memory, in columns that grow in chunks as rows arrive
 * ({@link ChunkedColumnBuilder}), so the Java heap a load needs does not depend on the file's size.
 * Off-heap memory counts against the JVM's direct-memory limit ({@code -XX:MaxDirectMemorySize},
 * by default the heap size); running out of it is a one-line error that says so.
 */
public final class CsvLoader {
    /** Loader options; {@link #defaults()} reads Close as the traded price and fills nothing. */
    public record Options(String priceColumn, List<String> assets, boolean fillForward) {
        public Options {
            assets = assets == null ? List.of() : List.copyOf(assets);
            priceColumn = priceColumn == null || priceColumn.isBlank() ? "Close" : priceColumn.trim();
        }

        public static Options defaults() {
            return new Options("Close", List.of(), false);
        }

        public Options withPriceColumn(String column) {
            return new Options(column, assets, fillForward);
        }

        public Options withAssets(List<String> selected) {
            return new Options(priceColumn, selected, fillForward);
        }

        public Options withFillForward(boolean fill) {
            return new Options(priceColumn, assets, fill);
        }
    }

    private static final List<String> TIME_NAMES = List.of("date", "datetime", "timestamp", "time", "day");
    private static final List<String> MISSING = List.of("", "na", "nan", "null", "n/a", "none", "-");

    private CsvLoader() {
    }

    public static MarketData load(Path file) {
        return load(file, Options.defaults());
    }

    public static MarketData load(Path file, Options options) {
        String name = file.toString();
        try {
            if (Files.isDirectory(file)) {
                throw new UserInputException(name + ": is a directory, expected a CSV file");
            }
            if (Files.size(file) == 0) {
                throw new UserInputException(name + ": file is empty (expected a header line and data rows)");
            }
            Reader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
            try (reader) {
                return load(name, reader, options);
            }
        } catch (NoSuchFileException e) {
            throw new UserInputException(name + ": no such file");
        } catch (IOException e) {
            throw new UserInputException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Loads from a reader; {@code source} names the input in messages. */
    public static MarketData load(String source, Reader reader, Options options) {
        CsvReader<CsvRecord> csv = CsvReader.builder()
            .ignoreDifferentFieldCount(true)
            .detectBomHeader(false)
            .skipEmptyLines(true)
            .ofCsvRecord(reader);
        long line = 0;
        try {
            Iterator<CsvRecord> records = csv.iterator();
            if (!records.hasNext()) {
                throw new UserInputException(source + ": file is empty (expected a header line and data rows)");
            }
            CsvRecord header = records.next();
            line = header.getStartingLineNumber();
            Schema schema = Schema.of(source, header, options);
            return new Parser(source, schema, options).parse(records);
        } catch (UserInputException e) {
            // Values and header names in a message come from the file: keep the message one line.
            String message = printable(e.getMessage());
            throw message.equals(e.getMessage()) ? e : new UserInputException(message, e);
        } catch (CsvParseException e) {
            throw new UserInputException(source + ": after line " + line + ": malformed CSV: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw new UserInputException(source + ": not UTF-8 text (binary data or another encoding);"
                    + " expected a UTF-8 CSV file", e);
            }
            throw new UserInputException(source + ": cannot read: " + e.getCause().getMessage(), e);
        }
    }

    /** Normalized header name: lower case, without spaces, underscores or dashes, BOM stripped. */
    static String normalize(String header) {
        return header.replace("\uFEFF", "").trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_\\-]", "");
    }

    /** Which file columns hold what. */
    private static final class Schema {
        final List<String> headerNames = new ArrayList<>();
        int timeField = -1;
        final List<Integer> valueFields = new ArrayList<>();
        final List<String> valueNames = new ArrayList<>();
        /** Per value column: whether it holds prices (validated > 0) or volume (>= 0). */
        final List<Boolean> isPrice = new ArrayList<>();
        MarketData.Layout layout;
        // OHLCV: indexes into valueFields, -1 when absent
        int open = -1;
        int high = -1;
        int low = -1;
        int price = -1;
        int volume = -1;

        static Schema of(String source, CsvRecord header, Options options) {
            Schema s = new Schema();
            List<String> normalized = new ArrayList<>();
            for (int i = 0; i < header.getFieldCount(); i++) {
                String raw = header.getField(i).replace("\uFEFF", "").trim();
                s.headerNames.add(raw);
                String n = normalize(raw);
                if (n.isEmpty()) {
                    throw new UserInputException(source + ":" + header.getStartingLineNumber() + ": column "
                        + (i + 1) + " has an empty header name (expected a name such as Date, Close or an asset)");
                }
                if (normalized.contains(n)) {
                    throw new UserInputException(source + ":" + header.getStartingLineNumber()
                        + ": duplicate column '" + raw + "'");
                }
                normalized.add(n);
            }
            for (int i = 0; i < normalized.size(); i++) {
                if (TIME_NAMES.contains(normalized.get(i))) {
                    s.timeField = i;
                    break;
                }
            }
            String priceName = normalize(options.priceColumn());
            boolean ohlcv = options.assets().isEmpty() && normalized.contains(priceName);
            if (ohlcv) {
                s.layout = MarketData.Layout.OHLCV;
                for (int i = 0; i < normalized.size(); i++) {
                    String n = normalized.get(i);
                    if (i == s.timeField) {
                        continue;
                    }
                    int index = s.valueFields.size();
                    boolean known = true;
                    switch (n) {
                        case "open": s.open = index; break;
                        case "high": s.high = index; break;
                        case "low": s.low = index; break;
                        case "volume": s.volume = index; break;
                        default: known = n.equals(priceName) || n.equals("close") || n.equals("adjclose");
                    }
                    if (n.equals(priceName)) {
                        s.price = index;
                    }
                    if (!known) {
                        // Extra columns (e.g. dividends) are not prices; they are loaded but not validated as prices.
                        s.valueFields.add(i);
                        s.valueNames.add(s.headerNames.get(i));
                        s.isPrice.add(false);
                        continue;
                    }
                    s.valueFields.add(i);
                    s.valueNames.add(s.headerNames.get(i));
                    s.isPrice.add(!n.equals("volume"));
                }
            } else {
                s.layout = MarketData.Layout.WIDE;
                List<String> wanted = new ArrayList<>();
                if (options.assets().isEmpty()) {
                    if (!options.priceColumn().equalsIgnoreCase("Close")) {
                        throw new UserInputException(source + ": --price-column '" + options.priceColumn()
                            + "' not found (columns: " + printable(String.valueOf(s.headerNames)) + ")");
                    }
                    for (int i = 0; i < normalized.size(); i++) {
                        if (i != s.timeField) {
                            wanted.add(normalized.get(i));
                        }
                    }
                    if (wanted.contains("open") || wanted.contains("high") || wanted.contains("low")) {
                        throw new UserInputException(source + ": missing required column 'Close' (found "
                            + printable(String.valueOf(s.headerNames)) + "; expected Close, or --price-column naming the traded price)");
                    }
                } else {
                    for (String a : options.assets()) {
                        String n = normalize(a);
                        if (!normalized.contains(n)) {
                            throw new UserInputException(source + ": --assets: no column '" + a + "' (columns: "
                                + printable(String.valueOf(s.headerNames)) + ")");
                        }
                        if (wanted.contains(n)) {
                            throw new UserInputException(source + ": --assets: '" + a + "' is listed twice");
                        }
                        wanted.add(n);
                    }
                }
                if (wanted.isEmpty()) {
                    throw new UserInputException(source + ": no price columns (found " + printable(String.valueOf(s.headerNames)) + ")");
                }
                for (String n : wanted) {
                    int field = normalized.indexOf(n);
                    s.valueFields.add(field);
                    s.valueNames.add(s.headerNames.get(field));
                    s.isPrice.add(true);
                }
            }
            return s;
        }
    }

    /** Streams records into growable off-heap columns with row-by-row validation. */
    private static final class Parser {
        private final String source;
        private final Schema schema;
        private final Options options;
        private final int width;
        private final ChunkedColumnBuilder[] values;
        private final ChunkedColumnBuilder times = new ChunkedColumnBuilder();
        private final double[] previous;
        private TimeFormat timeFormat;
        private int rows;
        private int filled;
        private long previousTime;
        private String previousTimeText;

        Parser(String source, Schema schema, Options options) {
            this.source = source;
            this.schema = schema;
            this.options = options;
            this.width = schema.headerNames.size();
            this.values = new ChunkedColumnBuilder[schema.valueFields.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = new ChunkedColumnBuilder();
            }
            this.previous = new double[values.length];
            this.timeFormat = schema.timeField < 0 ? TimeFormat.ROW_INDEX : null;
        }

        /**
         * Reads every record, one at a time: the file is never held, only its values, in off-heap
         * columns that grow as rows arrive. A failed load frees what it had read.
         */
        MarketData parse(Iterator<CsvRecord> records) {
            try {
                while (records.hasNext()) {
                    CsvRecord record = records.next();
                    if (record.isComment()) {
                        continue;
                    }
                    parseRow(record);
                }
                if (rows == 0) {
                    throw new UserInputException(source + ": header only, no data rows");
                }
                return build();
            } catch (OutOfMemoryError e) {
                String message = String.valueOf(e.getMessage());
                if (!message.toLowerCase(Locale.ROOT).contains("direct buffer memory")) {
                    throw e;
                }
                // The columns live in direct memory, which the JVM caps (by default at the heap size).
                throw new UserInputException(source + ": out of off-heap memory after " + rows + " rows of "
                    + (values.length + 1) + " columns (" + printable(message) + "); raise the JVM's direct memory"
                    + " limit, e.g. RLTRADER_JAVA_OPTS=-XX:MaxDirectMemorySize=8g (the default is the -Xmx heap size)", e);
            } finally {
                times.close();
                for (ChunkedColumnBuilder column : values) {
                    column.close();
                }
            }
        }

        private void parseRow(CsvRecord record) {
            long line = record.getStartingLineNumber();
            if (record.getFieldCount() != width) {
                throw new UserInputException(source + ":" + line + ": " + record.getFieldCount()
                    + " fields, expected " + width + " as in the header " + printable(String.valueOf(schema.headerNames)));
            }
            long time = rows;
            if (schema.timeField >= 0) {
                String text = record.getField(schema.timeField);
                if (timeFormat == null) {
                    timeFormat = TimeFormat.detect(text);
                    if (timeFormat == null) {
                        throw new UserInputException(source + ":" + line + ": column "
                            + schema.headerNames.get(schema.timeField) + ": '" + printable(text) + "' is not a time (expected an"
                            + " ISO date, ISO date-time, epoch seconds, epoch milliseconds or an integer)");
                    }
                }
                try {
                    time = timeFormat.parse(text);
                } catch (IllegalArgumentException e) {
                    throw new UserInputException(source + ":" + line + ": column "
                        + schema.headerNames.get(schema.timeField) + ": " + e.getMessage()
                        + " like the rows above");
                }
                if (rows > 0 && time <= previousTime) {
                    String relation = time == previousTime ? " repeats the previous row's time " : " is before the previous row's ";
                    throw new UserInputException(source + ":" + line + ": time " + text.trim() + relation
                        + previousTimeText + " (expected strictly increasing times, no duplicates)");
                }
                previousTime = time;
                previousTimeText = text.trim();
            }
            times.addLong(time);
            for (int c = 0; c < values.length; c++) {
                String text = record.getField(schema.valueFields.get(c)).trim();
                double v;
                if (isMissing(text)) {
                    if (!options.fillForward()) {
                        throw new UserInputException(source + ":" + line + ": column " + schema.valueNames.get(c)
                            + ": missing value '" + text + "' (expected a number; --fill-forward fills gaps"
                            + " from the previous row)");
                    }
                    if (rows == 0) {
                        throw new UserInputException(source + ":" + line + ": column " + schema.valueNames.get(c)
                            + ": missing value in the first row cannot be forward-filled");
                    }
                    v = previous[c];
                    filled++;
                } else {
                    v = parseNumber(text, line, c);
                }
                if (schema.isPrice.get(c)) {
                    if (!(v > 0) || Double.isInfinite(v)) {
                        throw new UserInputException(source + ":" + line + ": column " + schema.valueNames.get(c)
                            + ": price " + text + " (expected a finite number > 0)");
                    }
                } else if (c == schema.volume && (!(v >= 0) || Double.isInfinite(v))) {
                    throw new UserInputException(source + ":" + line + ": column " + schema.valueNames.get(c)
                        + ": volume " + text + " (expected a finite number >= 0)");
                } else if (Double.isNaN(v) || Double.isInfinite(v)) {
                    throw new UserInputException(source + ":" + line + ": column " + schema.valueNames.get(c)
                        + ": " + text + " (expected a finite number)");
                }
                previous[c] = v;
                values[c].addDouble(v);
            }
            if (schema.high >= 0 && schema.low >= 0 && previous[schema.high] < previous[schema.low]) {
                throw new UserInputException(source + ":" + line + ": high " + previous[schema.high]
                    + " is below low " + previous[schema.low] + " (expected high >= low)");
            }
            rows++;
            if (rows == Integer.MAX_VALUE / 8) {
                throw new UserInputException(source + ":" + line + ": more than " + rows + " rows (the most one"
                    + " column can hold); split the file");
            }
        }

        private static boolean isMissing(String text) {
            if (!text.isEmpty() && text.charAt(0) >= '0' && text.charAt(0) <= '9') {
                return false;   // no missing-value marker starts with a digit
            }
            for (int i = 0; i < MISSING.size(); i++) {
                if (MISSING.get(i).equalsIgnoreCase(text)) {
                    return true;
                }
            }
            return false;
        }

        private double parseNumber(String text, long line, int column) {
            double simple = parseSimpleDecimal(text);
            if (!Double.isNaN(simple)) {
                return simple;
            }
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                String shown = printable(text.length() > 40 ? text.substring(0, 40) + "..." : text);
                throw new UserInputException(source + ":" + line + ": column " + schema.valueNames.get(column)
                    + ": '" + shown + "' is not a number");
            }
        }

        private MarketData build() {
            List<DoubleColumn> columns = new ArrayList<>();
            // Column by column, so that the chunks of one are freed before the next is allocated.
            for (int c = 0; c < values.length; c++) {
                columns.add(DoubleColumn.wrap(schema.valueNames.get(c), values[c].build(), rows));
            }
            UnsafeBuffer timeBuffer = times.build();
            List<MarketData.Asset> assets = new ArrayList<>();
            if (schema.layout == MarketData.Layout.OHLCV) {
                String assetName = assetName(source);
                assets.add(new MarketData.Asset(assetName, columns.get(schema.price), at(columns, schema.open),
                    at(columns, schema.high), at(columns, schema.low), at(columns, schema.volume)));
            } else {
                for (DoubleColumn c : columns) {
                    assets.add(new MarketData.Asset(c.name(), c, null, null, null, null));
                }
            }
            return new MarketData(source, schema.layout, timeFormat, rows, timeBuffer, columns, assets, filled);
        }

        private static DoubleColumn at(List<DoubleColumn> columns, int index) {
            return index < 0 ? null : columns.get(index);
        }

        private static String assetName(String source) {
            String base = source.startsWith("builtin:") ? source.substring(8) : Path.of(source).getFileName().toString();
            int dot = base.lastIndexOf('.');
            return dot > 0 ? base.substring(0, dot) : base;
        }
    }

    /** Exact powers of ten as doubles (every one up to 1e22 is representable). */
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    /** Digits of a decimal whose integer value stays below 2^53 (so it is exact as a double). */
    private static final int MAX_SIMPLE_DIGITS = 15;

    /**
     * The value of a plain decimal ({@code [+-]digits[.digits]}, at most 15 digits) exactly as
     * {@link Double#parseDouble} gives it, or NaN for any other text (which then takes the general,
     * slower parser). Clinger's fast path: the digits form an integer m below 2^53 and 10^k is exact
     * for k <= 22, so m / 10^k is one correctly rounded IEEE division, which is the correctly
     * rounded value of the decimal.
     */
    static double parseSimpleDecimal(String text) {
        int length = text.length();
        int i = 0;
        boolean negative = false;
        if (length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+')) {
            negative = text.charAt(0) == '-';
            i = 1;
        }
        long digits = 0;
        int digitCount = 0;
        int fractionDigits = 0;
        boolean point = false;
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digitCount > MAX_SIMPLE_DIGITS) {
                    return Double.NaN;
                }
                digits = digits * 10 + (c - '0');
                if (point) {
                    fractionDigits++;
                }
            } else if (c == '.' && !point) {
                point = true;
            } else {
                return Double.NaN;
            }
        }
        if (digitCount == 0) {
            return Double.NaN;
        }
        double value = digits / POWERS_OF_TEN[fractionDigits];
        return negative ? -value : value;
    }

    /** A value as it appears in a one-line error: control characters (a quoted newline) escaped. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}

package io.rltrader.data;

import io.rltrader.util.OffHeap;
import io.rltrader.util.UserInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Bars of one or more assets, column by column in off-heap memory, validated on construction by
 * the loader: times strictly increasing, prices positive and finite, high >= low.
 *
 * <p>An {@link Asset} names the columns of one tradable: its traded price (Close by default, or the
 * column chosen with {@code --price-column}), and where the file has them, open, high, low and
 * volume. A "wide" file (one close column per asset) gives one asset per selected column.
 */
public final class MarketData {
    /** The shape of the source. */
    public enum Layout { OHLCV, WIDE, SYNTHETIC }

    /**
     * One tradable asset: its traded price and, where known, open (for fills at the next open),
     * high and low (for range indicators) and volume. Missing columns are {@code null}.
     */
    public record Asset(String name, DoubleColumn price, DoubleColumn open, DoubleColumn high,
                        DoubleColumn low, DoubleColumn volume) {
        public boolean hasOpen() {
            return open != null;
        }

        public boolean hasHighLow() {
            return high != null && low != null;
        }

        /** Open where the file has it; otherwise the previous bar's traded price (first bar: its own). */
        public double openOrPreviousPrice(int row) {
            if (open != null) {
                return open.get(row);
            }
            return price.get(row == 0 ? 0 : row - 1);
        }
    }

    private final String source;
    private final Layout layout;
    private final TimeFormat timeFormat;
    private final int rows;
    private final UnsafeBuffer times;
    private final List<DoubleColumn> columns;
    private final List<Asset> assets;
    private final int filledValues;

    MarketData(String source, Layout layout, TimeFormat timeFormat, int rows, UnsafeBuffer times,
               List<DoubleColumn> columns, List<Asset> assets, int filledValues) {
        if (rows <= 0) {
            throw new UserInputException(source + ": no data rows");
        }
        if (assets.isEmpty()) {
            throw new UserInputException(source + ": no asset selected");
        }
        this.source = source;
        this.layout = layout;
        this.timeFormat = timeFormat;
        this.rows = rows;
        this.times = times;
        this.columns = Collections.unmodifiableList(new ArrayList<>(columns));
        this.assets = Collections.unmodifiableList(new ArrayList<>(assets));
        this.filledValues = filledValues;
    }

    /**
     * Market data built in code, for a single asset with a price column (and optional OHLCV): the
     * same validation as for files applies. {@code times} may be null (row index).
     */
    public static MarketData ofSingleAsset(String source, String assetName, long[] times, TimeFormat timeFormat,
                                           DoubleColumn price, DoubleColumn open, DoubleColumn high,
                                           DoubleColumn low, DoubleColumn volume) {
        int rows = price.length();
        List<DoubleColumn> cols = new ArrayList<>();
        for (DoubleColumn c : new DoubleColumn[] {open, high, low, price, volume}) {
            if (c != null) {
                if (c.length() != rows) {
                    throw new IllegalArgumentException("column " + c.name() + " has " + c.length()
                        + " rows, price has " + rows);
                }
                cols.add(c);
            }
        }
        Asset asset = new Asset(assetName, price, open, high, low, volume);
        MarketData data = new MarketData(source, Layout.SYNTHETIC, times == null ? TimeFormat.ROW_INDEX : timeFormat,
            rows, timesBuffer(times, rows), cols, List.of(asset), 0);
        DataValidation.validateValues(data);
        return data;
    }

    /** Wide market data built in code: one price column per asset. */
    public static MarketData ofPrices(String source, long[] times, TimeFormat timeFormat, List<DoubleColumn> prices) {
        if (prices.isEmpty()) {
            throw new IllegalArgumentException("at least one price column is needed");
        }
        int rows = prices.get(0).length();
        List<Asset> assets = new ArrayList<>();
        for (DoubleColumn p : prices) {
            if (p.length() != rows) {
                throw new IllegalArgumentException("column " + p.name() + " has " + p.length() + " rows, not " + rows);
            }
            assets.add(new Asset(p.name(), p, null, null, null, null));
        }
        MarketData data = new MarketData(source, Layout.WIDE, times == null ? TimeFormat.ROW_INDEX : timeFormat,
            rows, timesBuffer(times, rows), prices, assets, 0);
        DataValidation.validateValues(data);
        return data;
    }

    static UnsafeBuffer timesBuffer(long[] times, int rows) {
        UnsafeBuffer buffer = OffHeap.allocate((long) rows * Long.BYTES);
        for (int i = 0; i < rows; i++) {
            buffer.putLong(i << 3, times == null ? i : times[i]);
        }
        return buffer;
    }

    /** The file (or generator) the data came from, for messages. */
    public String source() {
        return source;
    }

    public Layout layout() {
        return layout;
    }

    public TimeFormat timeFormat() {
        return timeFormat;
    }

    public int rows() {
        return rows;
    }

    /** Stored time of a row (epoch ms for calendar formats, else ordinal or row index). */
    public long time(int row) {
        return times.getLong(row << 3);
    }

    public String formatTime(int row) {
        return timeFormat.format(time(row));
    }

    /** Every numeric column loaded, in file order. */
    public List<DoubleColumn> columns() {
        return columns;
    }

    public DoubleColumn column(String name) {
        for (DoubleColumn c : columns) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new UserInputException(source + ": no column '" + name + "' (columns: " + columnNames() + ")");
    }

    public List<String> columnNames() {
        List<String> names = new ArrayList<>();
        for (DoubleColumn c : columns) {
            names.add(c.name());
        }
        return names;
    }

    public List<Asset> assets() {
        return assets;
    }

    public int assetCount() {
        return assets.size();
    }

    public Asset asset(int index) {
        return assets.get(index);
    }

    public Asset asset(String name) {
        for (Asset a : assets) {
            if (a.name().equalsIgnoreCase(name)) {
                return a;
            }
        }
        List<String> names = new ArrayList<>();
        for (Asset a : assets) {
            names.add(a.name());
        }
        throw new UserInputException(source + ": no asset '" + name + "' (assets: " + names + ")");
    }

    /** How many missing values the loader forward-filled (0 unless forward-filling was allowed). */
    public int filledValues() {
        return filledValues;
    }

    /** Rows [from, to) as new market data (copied, so the slice cannot see the other rows). */
    public MarketData slice(int from, int to) {
        if (from < 0 || to > rows || to - from < 1) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + rows);
        }
        List<DoubleColumn> sliced = new ArrayList<>();
        for (DoubleColumn c : columns) {
            sliced.add(c.slice(from, to));
        }
        List<Asset> slicedAssets = new ArrayList<>();
        for (Asset a : assets) {
            slicedAssets.add(new Asset(a.name(), pick(sliced, a.price()), pick(sliced, a.open()),
                pick(sliced, a.high()), pick(sliced, a.low()), pick(sliced, a.volume())));
        }
        UnsafeBuffer t = OffHeap.allocate((long) (to - from) * Long.BYTES);
        t.putBytes(0, times, from << 3, (to - from) << 3);
        return new MarketData(source + "[" + from + ":" + to + "]", layout, timeFormat, to - from, t,
            sliced, slicedAssets, 0);
    }

    private DoubleColumn pick(List<DoubleColumn> sliced, DoubleColumn original) {
        return original == null ? null : sliced.get(columns.indexOf(original));
    }

    @Override
    public String toString() {
        return "MarketData[" + source + ", " + layout + ", " + rows + " rows, assets " + assets.size() + "]";
    }
}

package io.rltrader.data;

import io.rltrader.util.UserInputException;

/** The value rules every {@link MarketData} obeys, checked for data built in code. */
final class DataValidation {
    private DataValidation() {
    }

    static void validateValues(MarketData data) {
        for (int row = 1; row < data.rows(); row++) {
            if (data.time(row) <= data.time(row - 1)) {
                throw new UserInputException(data.source() + ": row " + row + ": time " + data.formatTime(row)
                    + " is not after the previous row's " + data.formatTime(row - 1)
                    + " (expected strictly increasing times)");
            }
        }
        for (MarketData.Asset asset : data.assets()) {
            for (DoubleColumn c : new DoubleColumn[] {asset.price(), asset.open(), asset.high(), asset.low()}) {
                if (c != null) {
                    for (int row = 0; row < c.length(); row++) {
                        requirePrice(data.source(), row, c.name(), c.get(row));
                    }
                }
            }
            if (asset.volume() != null) {
                for (int row = 0; row < data.rows(); row++) {
                    double v = asset.volume().get(row);
                    if (!(v >= 0) || Double.isInfinite(v)) {
                        throw new UserInputException(data.source() + ": row " + row + ": column "
                            + asset.volume().name() + ": volume " + v + " (expected a finite number >= 0)");
                    }
                }
            }
            if (asset.hasHighLow()) {
                for (int row = 0; row < data.rows(); row++) {
                    if (asset.high().get(row) < asset.low().get(row)) {
                        throw new UserInputException(data.source() + ": row " + row + ": high "
                            + asset.high().get(row) + " < low " + asset.low().get(row));
                    }
                }
            }
        }
    }

    static void requirePrice(String source, int row, String column, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new UserInputException(source + ": row " + row + ": column " + column + ": price " + value
                + " (expected a finite number > 0)");
        }
    }
}

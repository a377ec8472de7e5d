package io.rltrader.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code rltrader data inspect} reports about market data: per-column ranges and NaN counts,
 * the typical bar spacing and the gaps (spacings above {@link #GAP_FACTOR} times the median).
 */
public record DataProfile(List<ColumnStats> columns, long medianSpacing, int gapCount, List<Gap> largestGaps) {
    /** A spacing counts as a gap above this multiple of the median: weekends and long weekends of daily bars do not. */
    public static final int GAP_FACTOR = 4;
    private static final int LARGEST_GAPS_SHOWN = 5;

    public record ColumnStats(String name, double min, double max, int nanCount) {
    }

    /** A gap between row {@code row - 1} and row {@code row}. */
    public record Gap(int row, long spacing) {
    }

    public static DataProfile of(MarketData data) {
        List<ColumnStats> stats = new ArrayList<>();
        for (DoubleColumn c : data.columns()) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            int nans = 0;
            for (int t = 0; t < c.length(); t++) {
                double v = c.get(t);
                if (Double.isNaN(v)) {
                    nans++;
                } else {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            stats.add(new ColumnStats(c.name(), min, max, nans));
        }
        int rows = data.rows();
        if (rows < 2) {
            return new DataProfile(stats, 0, 0, List.of());
        }
        long[] spacing = new long[rows - 1];
        for (int t = 1; t < rows; t++) {
            spacing[t - 1] = data.time(t) - data.time(t - 1);
        }
        long[] sorted = spacing.clone();
        Arrays.sort(sorted);
        long median = sorted[sorted.length / 2];
        List<Gap> gaps = new ArrayList<>();
        for (int t = 1; t < rows; t++) {
            if (spacing[t - 1] > GAP_FACTOR * median) {
                gaps.add(new Gap(t, spacing[t - 1]));
            }
        }
        int count = gaps.size();
        gaps.sort((a, b) -> Long.compare(b.spacing(), a.spacing()));
        return new DataProfile(stats, median, count, List.copyOf(gaps.subList(0, Math.min(LARGEST_GAPS_SHOWN, count))));
    }
}

package io.rltrader.data;

/** Rows [start, end) of a series. */
public record RowRange(int start, int end) {
    public RowRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid row range [" + start + ", " + end + ")");
        }
    }

    public int length() {
        return end - start;
    }

    public boolean contains(int row) {
        return row >= start && row < end;
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}

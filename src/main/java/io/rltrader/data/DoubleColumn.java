package io.rltrader.data;

import io.rltrader.util.OffHeap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A column of {@code length} float64 values in off-heap memory (native order, 64-byte aligned).
 * Environments and tensors read {@link #buffer()} directly, without copying.
 */
public final class DoubleColumn {
    private final String name;
    private final UnsafeBuffer buffer;
    private final int length;

    private DoubleColumn(String name, UnsafeBuffer buffer, int length) {
        this.name = name;
        this.buffer = buffer;
        this.length = length;
    }

    /** A new zeroed column. */
    public static DoubleColumn allocate(String name, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("column length must be >= 0, got " + length);
        }
        return new DoubleColumn(name, OffHeap.allocate((long) length * Double.BYTES), length);
    }

    /** A column filled with NaN (the "no value yet" marker of indicators during warm-up). */
    public static DoubleColumn nan(String name, int length) {
        DoubleColumn column = allocate(name, length);
        column.fill(Double.NaN);
        return column;
    }

    public static DoubleColumn of(String name, double... values) {
        DoubleColumn column = allocate(name, values.length);
        for (int i = 0; i < values.length; i++) {
            column.set(i, values[i]);
        }
        return column;
    }

    /** Wraps existing off-heap memory holding at least {@code length} doubles (no copy). */
    public static DoubleColumn wrap(String name, UnsafeBuffer buffer, int length) {
        if ((long) length * Double.BYTES > buffer.capacity()) {
            throw new IllegalArgumentException("buffer of " + buffer.capacity() + " bytes cannot hold "
                + length + " doubles");
        }
        return new DoubleColumn(name, buffer, length);
    }

    public String name() {
        return name;
    }

    public int length() {
        return length;
    }

    public double get(int row) {
        return buffer.getDouble(row << 3);
    }

    public void set(int row, double value) {
        buffer.putDouble(row << 3, value);
    }

    public void fill(double value) {
        for (int i = 0; i < length; i++) {
            buffer.putDouble(i << 3, value);
        }
    }

    /** The off-heap memory: value {@code i} at byte offset {@code 8 * i}. */
    public UnsafeBuffer buffer() {
        return buffer;
    }

    /** A copy of the values on the heap (for tests and reports, not hot paths). */
    public double[] toArray() {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = get(i);
        }
        return out;
    }

    /** Copy of rows [from, to) as a new off-heap column. */
    public DoubleColumn slice(int from, int to) {
        if (from < 0 || to > length || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + length);
        }
        DoubleColumn out = allocate(name, to - from);
        out.buffer.putBytes(0, buffer, from << 3, (to - from) << 3);
        return out;
    }

    @Override
    public String toString() {
        return "DoubleColumn[" + name + ", " + length + " rows]";
    }
}

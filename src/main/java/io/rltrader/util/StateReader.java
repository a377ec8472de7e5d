package io.rltrader.util;

import org.agrona.MutableDirectBuffer;

/**
 * Reads back what a component wrote to a {@link StateWriter}. Every read states how many values it
 * expects, and a missing entry or one of another type or length is a {@link UserInputException}
 * naming the entry and the source, so a snapshot from another configuration is refused rather than
 * half-applied.
 */
public interface StateReader {
    long[] longs(String name, int count);

    int[] ints(String name, int count);

    double[] doubles(String name, int count);

    /** Copies the entry, which must hold exactly {@code length} bytes, to {@code target} at {@code offset}. */
    void bytes(String name, MutableDirectBuffer target, int offset, int length);

    /** The length in bytes of a byte entry, for components whose used size is part of their state. */
    int byteLength(String name);

    /** Restores a generator written by {@link StateWriter#rng}. */
    default void rng(String name, Rng rng) {
        rng.restoreState(longs(name, 3));
    }

    default long scalarLong(String name) {
        return longs(name, 1)[0];
    }

    default double scalarDouble(String name) {
        return doubles(name, 1)[0];
    }

    /** This reader with {@code prefix} put before every name. */
    default StateReader prefixed(String prefix) {
        StateReader outer = this;
        return new StateReader() {
            @Override
            public long[] longs(String name, int count) {
                return outer.longs(prefix + name, count);
            }

            @Override
            public int[] ints(String name, int count) {
                return outer.ints(prefix + name, count);
            }

            @Override
            public double[] doubles(String name, int count) {
                return outer.doubles(prefix + name, count);
            }

            @Override
            public void bytes(String name, MutableDirectBuffer target, int offset, int length) {
                outer.bytes(prefix + name, target, offset, length);
            }

            @Override
            public int byteLength(String name) {
                return outer.byteLength(prefix + name);
            }
        };
    }
}

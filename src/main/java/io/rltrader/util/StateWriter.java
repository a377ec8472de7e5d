package io.rltrader.util;

import org.agrona.DirectBuffer;

/**
 * Where a stateful component (an environment, a replay buffer, a training loop) writes the named
 * arrays that make up its state, so that a run can be snapshot and continued bit-identically. The
 * component names its entries; {@link #prefixed} keeps the names of nested components apart. The
 * format behind it belongs to the caller (the training loop writes a safetensors file), so
 * {@code data}, {@code env} and {@code memory} stay free of file formats and native code.
 */
public interface StateWriter {
    void longs(String name, long... values);

    void ints(String name, int... values);

    void doubles(String name, double... values);

    /** {@code length} bytes of {@code source} from {@code offset}, copied at once. */
    void bytes(String name, DirectBuffer source, int offset, int length);

    /** A generator's full state. */
    default void rng(String name, Rng rng) {
        longs(name, rng.saveState());
    }

    /** This writer with {@code prefix} put before every name. */
    default StateWriter prefixed(String prefix) {
        StateWriter outer = this;
        return new StateWriter() {
            @Override
            public void longs(String name, long... values) {
                outer.longs(prefix + name, values);
            }

            @Override
            public void ints(String name, int... values) {
                outer.ints(prefix + name, values);
            }

            @Override
            public void doubles(String name, double... values) {
                outer.doubles(prefix + name, values);
            }

            @Override
            public void bytes(String name, DirectBuffer source, int offset, int length) {
                outer.bytes(prefix + name, source, offset, length);
            }
        };
    }
}

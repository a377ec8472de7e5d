package io.rltrader.nn;

import org.agrona.concurrent.UnsafeBuffer;

/** Bulk float copies between off-heap memory and Java arrays (set-up, checkpoints, tests; not hot paths). */
public final class HostFloats {
    private HostFloats() {
    }

    public static void get(UnsafeBuffer buffer, float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = buffer.getFloat(i * Float.BYTES);
        }
    }

    public static float[] get(UnsafeBuffer buffer, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = buffer.getFloat(i * Float.BYTES);
        }
        return out;
    }

    public static void put(UnsafeBuffer buffer, float[] values) {
        for (int i = 0; i < values.length; i++) {
            buffer.putFloat(i * Float.BYTES, values[i]);
        }
    }
}

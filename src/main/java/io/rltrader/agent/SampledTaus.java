package io.rltrader.agent;

import io.rltrader.nn.DeviceTensors;
import io.rltrader.util.Rng;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Tensor;

/**
 * IQN's quantile fractions for {@code rows} samples x {@code perRow} fractions, drawn U[0, 1) from a
 * seeded {@link Rng} in Java (never LibTorch's generator, so runs are reproducible on every machine
 * and resumable from a checkpoint) into host memory, then copied to the device where that is not
 * the host. Row-major: fraction j of sample b is element {@code b * perRow + j}.
 */
final class SampledTaus {
    private final int count;
    private final UnsafeBuffer hostMemory;
    private final Tensor host;
    /** float32 [rows * perRow, 1]: the column the cosine embedding reads. */
    final Tensor column;
    /** float32 [rows, perRow]: the same fractions per sample, as the quantile loss reads them. */
    final Tensor matrix;

    SampledTaus(DeviceTensors arena, int rows, int perRow) {
        this.count = Math.multiplyExact(rows, perRow);
        this.host = arena.hostZeros(count, 1);
        this.hostMemory = arena.host(host);
        this.column = arena.device().isCuda() ? arena.zeros(count, 1) : host;
        this.matrix = arena.own(column.view(rows, perRow));
    }

    /** Draws every fraction anew. */
    void sample(Rng rng) {
        for (int i = 0; i < count; i++) {
            hostMemory.putFloat(i * Float.BYTES, rng.nextFloat());
        }
        if (column != host) {
            column.copy_(host);
        }
    }

    /** The current fractions, row-major (tests). */
    float[] toArray() {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = hostMemory.getFloat(i * Float.BYTES);
        }
        return out;
    }
}

package io.rltrader.agent;

import io.rltrader.nn.DeviceTensors;
import io.rltrader.util.Rng;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Tensor;

/**
 * IQN's quantile fractions for {@code rows} samples x {@code perRow} fractions, drawn U[0, 1) from a
 * seeded {@link Rng} in Java (never LibTorch's generator, so runs are reproducible on every machine
 * and resumable from a checkpoint) into host memory, then copied to the device where that is not
 * the host. Fraction-major, as the network lays out its rows: fraction j of sample b is element
 * {@code j * rows + b}, so that a sum over a sample's fractions is one matrix-vector product.
 */
final class SampledTaus {
    private final int rows;
    private final int perRow;
    private final int count;
    private final UnsafeBuffer hostMemory;
    private final Tensor host;
    /** float32 [perRow * rows, 1]: the column the cosine embedding reads. */
    final Tensor column;
    /** float32 [rows, perRow]: the same fractions per sample (a transposed view), as the quantile loss reads them. */
    final Tensor matrix;

    SampledTaus(DeviceTensors arena, int rows, int perRow) {
        this.rows = rows;
        this.perRow = perRow;
        this.count = Math.multiplyExact(rows, perRow);
        this.host = arena.hostZeros(count, 1);
        this.hostMemory = arena.host(host);
        this.column = arena.device().isCuda() ? arena.zeros(count, 1) : host;
        this.matrix = arena.own(arena.own(column.view(perRow, rows)).t());
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

    /** The current fractions sample by sample, {@code [rows, perRow]} row-major (tests). */
    float[] toArray() {
        float[] out = new float[count];
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < perRow; j++) {
                out[b * perRow + j] = hostMemory.getFloat((j * rows + b) * Float.BYTES);
            }
        }
        return out;
    }
}

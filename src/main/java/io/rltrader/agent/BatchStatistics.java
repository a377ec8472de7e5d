package io.rltrader.agent;

import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.NativeConstants;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Means and standardization over a [batch] vector with preallocated buffers: a mean is one GEMV
 * ({@code ones[1, B] x v / B}), standardization {@code (v - mean) / (std + 1e-8)} with the unbiased
 * standard deviation, as {@code torch.std} in SB3's and CleanRL's advantage normalization.
 */
final class BatchStatistics {
    private final int batch;
    private final Tensor onesRow;
    private final Tensor squares;
    private final Tensor center;
    private final Tensor spread;
    private final Tensor epsilon;
    private final Scalar inverseBatch;
    private final Scalar inverseDegrees;

    BatchStatistics(DeviceTensors arena, int batch) {
        this.batch = batch;
        this.onesRow = arena.full(1.0, 1, batch);
        this.squares = arena.zeros(batch);
        this.center = arena.zeros(1);
        this.spread = arena.zeros(1);
        this.epsilon = arena.constant(1e-8);
        this.inverseBatch = arena.scalar(1.0 / batch);
        this.inverseDegrees = arena.scalar(batch > 1 ? 1.0 / (batch - 1) : 0.0);
    }

    /** {@code out[0] = mean(values)}; out is a [1] tensor. */
    void mean(Tensor values, Tensor out) {
        out.addmv_(onesRow, values, NativeConstants.ZERO, inverseBatch);
    }

    /** {@code out = (values - mean) / (std + 1e-8)}; with a batch of one, a copy (SB3 skips it too). */
    void standardize(Tensor values, Tensor out) {
        out.copy_(values);
        if (batch < 2) {
            return;
        }
        mean(values, center);
        out.sub_(center);
        squares.copy_(out).square_();
        spread.addmv_(onesRow, squares, NativeConstants.ZERO, inverseDegrees).sqrt_().add_(epsilon);
        out.div_(spread);
    }
}

package io.rltrader.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * What binding a network needs: the arena that owns every activation, the batch size, and whether
 * gradients will flow (a training binding allocates gradient buffers; an inference one does not).
 * Shared helper tensors (a vector of ones for bias gradients) are made once per binding.
 */
public final class Binding {
    private final DeviceTensors arena;
    private final int batch;
    private final boolean training;
    private Tensor onesBatch;

    public Binding(DeviceTensors arena, int batch, boolean training) {
        if (batch <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batch);
        }
        this.arena = arena;
        this.batch = batch;
        this.training = training;
    }

    public DeviceTensors arena() {
        return arena;
    }

    public int batch() {
        return batch;
    }

    public boolean training() {
        return training;
    }

    /** A float32 [batch] vector of ones (for reductions over the batch as a matrix-vector product). */
    public Tensor onesBatch() {
        if (onesBatch == null) {
            onesBatch = arena.full(1.0, batch);
        }
        return onesBatch;
    }

    /** A zeroed [batch, features] activation. */
    public Tensor activation(int features) {
        return arena.zeros(batch, features);
    }

    /** A gradient buffer [batch, features] in a training binding, null otherwise. */
    public Tensor gradient(int features) {
        return training ? arena.zeros(batch, features) : null;
    }
}

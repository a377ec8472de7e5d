package io.rltrader.memory;

import io.rltrader.nn.OffHeapTensors;
import io.rltrader.util.OffHeap;
import io.rltrader.util.UserInputException;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Tensor;

/**
 * A preallocated minibatch of M on-policy samples, each field an off-heap buffer with a LibTorch
 * tensor over the same bytes: observations float32 [M, obsDim], actions int64 [M] (discrete) or
 * float32 [M, actDim], and float32 [M] log-probs, values, advantages and returns.
 */
public final class RolloutMinibatch implements AutoCloseable {
    private final int size;
    private final int obsDim;
    private final ActionSpec action;

    final UnsafeBuffer observationsMemory;
    final UnsafeBuffer actionsMemory;
    final UnsafeBuffer logProbsMemory;
    final UnsafeBuffer valuesMemory;
    final UnsafeBuffer advantagesMemory;
    final UnsafeBuffer returnsMemory;

    private final OffHeapTensors tensors;
    private final Tensor observations;
    private final Tensor actions;
    private final Tensor logProbs;
    private final Tensor values;
    private final Tensor advantages;
    private final Tensor returns;

    public RolloutMinibatch(int size, int obsDim, ActionSpec action) {
        if (size <= 0) {
            throw new UserInputException("minibatch size must be positive, got " + size);
        }
        if (obsDim <= 0) {
            throw new UserInputException("observation dimension must be positive, got " + obsDim);
        }
        this.size = size;
        this.obsDim = obsDim;
        this.action = action;
        long rows = size;
        observationsMemory = OffHeap.allocate(rows * obsDim * Float.BYTES);
        actionsMemory = OffHeap.allocate(action.discrete() ? rows * Long.BYTES : rows * action.bytes());
        logProbsMemory = OffHeap.allocate(rows * Float.BYTES);
        valuesMemory = OffHeap.allocate(rows * Float.BYTES);
        advantagesMemory = OffHeap.allocate(rows * Float.BYTES);
        returnsMemory = OffHeap.allocate(rows * Float.BYTES);
        tensors = new OffHeapTensors();
        observations = tensors.float32(observationsMemory, size, obsDim);
        actions = action.discrete()
            ? tensors.int64(actionsMemory, size)
            : tensors.float32(actionsMemory, size, action.dim());
        logProbs = tensors.float32(logProbsMemory, size);
        values = tensors.float32(valuesMemory, size);
        advantages = tensors.float32(advantagesMemory, size);
        returns = tensors.float32(returnsMemory, size);
    }

    public int size() {
        return size;
    }

    public int obsDim() {
        return obsDim;
    }

    public ActionSpec action() {
        return action;
    }

    public Tensor observations() {
        return observations;
    }

    public Tensor actions() {
        return actions;
    }

    public Tensor logProbs() {
        return logProbs;
    }

    public Tensor values() {
        return values;
    }

    public Tensor advantages() {
        return advantages;
    }

    public Tensor returns() {
        return returns;
    }

    public float observation(int row, int feature) {
        return observationsMemory.getFloat((row * obsDim + feature) * Float.BYTES);
    }

    public long discreteAction(int row) {
        return actionsMemory.getLong(row * Long.BYTES);
    }

    public float logProb(int row) {
        return logProbsMemory.getFloat(row * Float.BYTES);
    }

    public float value(int row) {
        return valuesMemory.getFloat(row * Float.BYTES);
    }

    public float advantage(int row) {
        return advantagesMemory.getFloat(row * Float.BYTES);
    }

    public float returnValue(int row) {
        return returnsMemory.getFloat(row * Float.BYTES);
    }

    @Override
    public void close() {
        tensors.close();
    }
}

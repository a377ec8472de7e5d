package io.rltrader.memory;

import io.rltrader.nn.OffHeapTensors;
import io.rltrader.util.OffHeap;
import io.rltrader.util.UserInputException;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Tensor;

/**
 * A preallocated batch of B windows of K consecutive steps of one episode, each field an off-heap
 * buffer with a LibTorch tensor over it: observations and next observations float32 [B, K, obsDim],
 * actions int64 [B, K] (discrete) or float32 [B, K, actDim], rewards, returns-to-go and terminals
 * (1 where the step terminated the episode) float32 [B, K], timesteps int64 [B, K] (step index
 * within the episode, 0 = first).
 */
public final class SequenceBatch implements AutoCloseable {
    private final int size;
    private final int length;
    private final int obsDim;
    private final ActionSpec action;

    final UnsafeBuffer observationsMemory;
    final UnsafeBuffer nextObservationsMemory;
    final UnsafeBuffer actionsMemory;
    final UnsafeBuffer rewardsMemory;
    final UnsafeBuffer returnsToGoMemory;
    final UnsafeBuffer terminalsMemory;
    final UnsafeBuffer timestepsMemory;

    private final OffHeapTensors tensors;
    private final Tensor observations;
    private final Tensor nextObservations;
    private final Tensor actions;
    private final Tensor rewards;
    private final Tensor returnsToGo;
    private final Tensor terminals;
    private final Tensor timesteps;

    public SequenceBatch(int size, int length, int obsDim, ActionSpec action) {
        if (size <= 0 || length <= 0) {
            throw new UserInputException("sequence batch needs positive size and window length, got "
                + size + " x " + length);
        }
        if (obsDim <= 0) {
            throw new UserInputException("observation dimension must be positive, got " + obsDim);
        }
        this.size = size;
        this.length = length;
        this.obsDim = obsDim;
        this.action = action;
        long steps = (long) size * length;
        observationsMemory = OffHeap.allocate(steps * obsDim * Float.BYTES);
        nextObservationsMemory = OffHeap.allocate(steps * obsDim * Float.BYTES);
        actionsMemory = OffHeap.allocate(action.discrete() ? steps * Long.BYTES : steps * action.bytes());
        rewardsMemory = OffHeap.allocate(steps * Float.BYTES);
        returnsToGoMemory = OffHeap.allocate(steps * Float.BYTES);
        terminalsMemory = OffHeap.allocate(steps * Float.BYTES);
        timestepsMemory = OffHeap.allocate(steps * Long.BYTES);
        tensors = new OffHeapTensors();
        observations = tensors.float32(observationsMemory, size, length, obsDim);
        nextObservations = tensors.float32(nextObservationsMemory, size, length, obsDim);
        actions = action.discrete()
            ? tensors.int64(actionsMemory, size, length)
            : tensors.float32(actionsMemory, size, length, action.dim());
        rewards = tensors.float32(rewardsMemory, size, length);
        returnsToGo = tensors.float32(returnsToGoMemory, size, length);
        terminals = tensors.float32(terminalsMemory, size, length);
        timesteps = tensors.int64(timestepsMemory, size, length);
    }

    public int size() {
        return size;
    }

    public int length() {
        return length;
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

    public Tensor nextObservations() {
        return nextObservations;
    }

    public Tensor actions() {
        return actions;
    }

    public Tensor rewards() {
        return rewards;
    }

    public Tensor returnsToGo() {
        return returnsToGo;
    }

    public Tensor terminals() {
        return terminals;
    }

    public Tensor timesteps() {
        return timesteps;
    }

    public float observation(int window, int step, int feature) {
        return observationsMemory.getFloat(((window * length + step) * obsDim + feature) * Float.BYTES);
    }

    public float nextObservation(int window, int step, int feature) {
        return nextObservationsMemory.getFloat(((window * length + step) * obsDim + feature) * Float.BYTES);
    }

    public float reward(int window, int step) {
        return rewardsMemory.getFloat((window * length + step) * Float.BYTES);
    }

    public float returnToGo(int window, int step) {
        return returnsToGoMemory.getFloat((window * length + step) * Float.BYTES);
    }

    public float terminal(int window, int step) {
        return terminalsMemory.getFloat((window * length + step) * Float.BYTES);
    }

    public long timestep(int window, int step) {
        return timestepsMemory.getLong((window * length + step) * Long.BYTES);
    }

    @Override
    public void close() {
        tensors.close();
    }
}

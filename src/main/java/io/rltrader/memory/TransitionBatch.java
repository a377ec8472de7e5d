package io.rltrader.memory;

import io.rltrader.nn.OffHeapTensors;
import io.rltrader.util.OffHeap;
import io.rltrader.util.UserInputException;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Tensor;

/**
 * A preallocated batch of sampled transitions, in off-heap memory that LibTorch sees without
 * copying: each field is an {@link UnsafeBuffer} and a tensor over the same bytes, made once here.
 *
 * <p>Fields, for batch size B: {@link #observations()} float32 [B, obsDim]; {@link #actions()}
 * int64 [B] for discrete actions (index-ready for {@code gather}) or float32 [B, actDim];
 * {@link #rewards()} float32 [B], the n-step discounted reward sum; {@link #nextObservations()}
 * float32 [B, obsDim], the observation k &lt;= n steps ahead (the real final observation where the
 * episode ended); {@link #discounts()} float32 [B], gamma^k, or 0 where the episode terminated
 * inside the window, so the target is {@code reward + discount * V(nextObservation)};
 * {@link #weights()} float32 [B], importance weights (1 for uniform sampling);
 * {@link #indices()} int64 [B], the sampled slots; {@link #tdErrors()} float32 [B], where the learner
 * writes TD errors for a prioritized buffer's {@code updatePriorities}.
 */
public final class TransitionBatch implements AutoCloseable {
    private final int size;
    private final int obsDim;
    private final ActionSpec action;

    final UnsafeBuffer observationsMemory;
    final UnsafeBuffer actionsMemory;
    final UnsafeBuffer rewardsMemory;
    final UnsafeBuffer nextObservationsMemory;
    final UnsafeBuffer discountsMemory;
    final UnsafeBuffer weightsMemory;
    final UnsafeBuffer indicesMemory;
    final UnsafeBuffer tdErrorsMemory;

    private final OffHeapTensors tensors;
    private final Tensor observations;
    private final Tensor actions;
    private final Tensor rewards;
    private final Tensor nextObservations;
    private final Tensor discounts;
    private final Tensor weights;
    private final Tensor indices;
    private final Tensor tdErrors;

    public TransitionBatch(int size, int obsDim, ActionSpec action) {
        if (size <= 0) {
            throw new UserInputException("batch size must be positive, got " + size);
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
        rewardsMemory = OffHeap.allocate(rows * Float.BYTES);
        nextObservationsMemory = OffHeap.allocate(rows * obsDim * Float.BYTES);
        discountsMemory = OffHeap.allocate(rows * Float.BYTES);
        weightsMemory = OffHeap.allocate(rows * Float.BYTES);
        indicesMemory = OffHeap.allocate(rows * Long.BYTES);
        tdErrorsMemory = OffHeap.allocate(rows * Float.BYTES);

        tensors = new OffHeapTensors();
        observations = tensors.float32(observationsMemory, size, obsDim);
        actions = action.discrete()
            ? tensors.int64(actionsMemory, size)
            : tensors.float32(actionsMemory, size, action.dim());
        rewards = tensors.float32(rewardsMemory, size);
        nextObservations = tensors.float32(nextObservationsMemory, size, obsDim);
        discounts = tensors.float32(discountsMemory, size);
        weights = tensors.float32(weightsMemory, size);
        indices = tensors.int64(indicesMemory, size);
        tdErrors = tensors.float32(tdErrorsMemory, size);
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

    public Tensor rewards() {
        return rewards;
    }

    public Tensor nextObservations() {
        return nextObservations;
    }

    public Tensor discounts() {
        return discounts;
    }

    public Tensor weights() {
        return weights;
    }

    public Tensor indices() {
        return indices;
    }

    public Tensor tdErrors() {
        return tdErrors;
    }

    public float observation(int row, int feature) {
        return observationsMemory.getFloat((row * obsDim + feature) * Float.BYTES);
    }

    public float nextObservation(int row, int feature) {
        return nextObservationsMemory.getFloat((row * obsDim + feature) * Float.BYTES);
    }

    /** The discrete action index of {@code row}. */
    public long discreteAction(int row) {
        return actionsMemory.getLong(row * Long.BYTES);
    }

    public float continuousAction(int row, int component) {
        return actionsMemory.getFloat((row * action.dim() + component) * Float.BYTES);
    }

    public float reward(int row) {
        return rewardsMemory.getFloat(row * Float.BYTES);
    }

    public float discount(int row) {
        return discountsMemory.getFloat(row * Float.BYTES);
    }

    public float weight(int row) {
        return weightsMemory.getFloat(row * Float.BYTES);
    }

    /** The store slot row {@code row} was sampled from. */
    public int index(int row) {
        return (int) indicesMemory.getLong(row * Long.BYTES);
    }

    /** The TD-error memory ([B] float32), for a learner that writes it from Java. */
    public UnsafeBuffer tdErrorsMemory() {
        return tdErrorsMemory;
    }

    /** The observations memory ([B, obsDim] float32), for code that reads the batch from Java. */
    public UnsafeBuffer observationsMemory() {
        return observationsMemory;
    }

    /** The next-observations memory ([B, obsDim] float32). */
    public UnsafeBuffer nextObservationsMemory() {
        return nextObservationsMemory;
    }

    /** The actions memory: int64 [B] for discrete actions, float32 [B, actDim] for continuous ones. */
    public UnsafeBuffer actionsMemory() {
        return actionsMemory;
    }

    /** The rewards memory ([B] float32). */
    public UnsafeBuffer rewardsMemory() {
        return rewardsMemory;
    }

    /** The discounts memory ([B] float32). */
    public UnsafeBuffer discountsMemory() {
        return discountsMemory;
    }

    /** The importance-weights memory ([B] float32). */
    public UnsafeBuffer weightsMemory() {
        return weightsMemory;
    }

    void requireCompatible(TransitionStore store) {
        if (store.obsDim() != obsDim || !store.action().equals(action)) {
            throw new IllegalArgumentException("batch of obsDim " + obsDim + " and " + action
                + " does not match a store of obsDim " + store.obsDim() + " and " + store.action());
        }
    }

    @Override
    public void close() {
        tensors.close();
    }
}

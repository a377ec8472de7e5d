package io.rltrader.env;

import static io.rltrader.env.StepBuffersDescriptor.CONTINUOUS_ACTION_BYTES;
import static io.rltrader.env.StepBuffersDescriptor.DISCRETE_ACTION_BYTES;
import static io.rltrader.env.StepBuffersDescriptor.FLAG_BYTES;
import static io.rltrader.env.StepBuffersDescriptor.OBSERVATION_BYTES;
import static io.rltrader.env.StepBuffersDescriptor.REWARD_BYTES;

import io.rltrader.util.OffHeap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The preallocated off-heap buffers of one vectorized environment, laid out as described in
 * {@link StepBuffersDescriptor}. Allocated once; every step overwrites them in place.
 */
public final class StepBuffers {
    private final int rows;
    private final int observationSize;
    private final int actionSize;
    private final boolean discreteActions;
    private final UnsafeBuffer observations;
    private final UnsafeBuffer finalObservations;
    private final UnsafeBuffer rewards;
    private final UnsafeBuffer terminated;
    private final UnsafeBuffer truncated;
    private final UnsafeBuffer actions;

    /**
     * @param actionSize for discrete actions the number of choices (one int32 per row); for
     *                   continuous actions the floats per row
     */
    StepBuffers(int rows, int observationSize, int actionSize, boolean discreteActions) {
        this.rows = rows;
        this.observationSize = observationSize;
        this.actionSize = actionSize;
        this.discreteActions = discreteActions;
        long observationBytes = (long) rows * observationSize * OBSERVATION_BYTES;
        this.observations = OffHeap.allocate(observationBytes);
        this.finalObservations = OffHeap.allocate(observationBytes);
        this.rewards = OffHeap.allocate((long) rows * REWARD_BYTES);
        this.terminated = OffHeap.allocate((long) rows * FLAG_BYTES);
        this.truncated = OffHeap.allocate((long) rows * FLAG_BYTES);
        this.actions = OffHeap.allocate(discreteActions ? (long) rows * DISCRETE_ACTION_BYTES
            : (long) rows * actionSize * CONTINUOUS_ACTION_BYTES);
    }

    public int rows() {
        return rows;
    }

    public int observationSize() {
        return observationSize;
    }

    /** Discrete: number of choices; continuous: floats per row. */
    public int actionSize() {
        return actionSize;
    }

    public boolean discreteActions() {
        return discreteActions;
    }

    public UnsafeBuffer observations() {
        return observations;
    }

    public UnsafeBuffer finalObservations() {
        return finalObservations;
    }

    public UnsafeBuffer rewards() {
        return rewards;
    }

    public UnsafeBuffer terminated() {
        return terminated;
    }

    public UnsafeBuffer truncated() {
        return truncated;
    }

    public UnsafeBuffer actions() {
        return actions;
    }

    public float observation(int row, int index) {
        return observations.getFloat(StepBuffersDescriptor.observationOffset(row, observationSize, index));
    }

    public float finalObservation(int row, int index) {
        return finalObservations.getFloat(StepBuffersDescriptor.observationOffset(row, observationSize, index));
    }

    public float reward(int row) {
        return rewards.getFloat(StepBuffersDescriptor.rewardOffset(row));
    }

    public boolean terminated(int row) {
        return terminated.getByte(StepBuffersDescriptor.flagOffset(row)) != 0;
    }

    public boolean truncated(int row) {
        return truncated.getByte(StepBuffersDescriptor.flagOffset(row)) != 0;
    }

    /** Whether the row's episode ended this step (terminated or truncated). */
    public boolean ended(int row) {
        return terminated(row) || truncated(row);
    }

    public void putDiscreteAction(int row, int action) {
        actions.putInt(StepBuffersDescriptor.discreteActionOffset(row), action);
    }

    public void putContinuousAction(int row, int index, float value) {
        actions.putFloat(StepBuffersDescriptor.continuousActionOffset(row, actionSize, index), value);
    }

    /** A copy of a row's observation (for tests and reports, not hot paths). */
    public float[] observationCopy(int row) {
        float[] out = new float[observationSize];
        for (int j = 0; j < observationSize; j++) {
            out[j] = observation(row, j);
        }
        return out;
    }

    /** A copy of a row's final observation (valid only when the row ended this step). */
    public float[] finalObservationCopy(int row) {
        float[] out = new float[observationSize];
        for (int j = 0; j < observationSize; j++) {
            out[j] = finalObservation(row, j);
        }
        return out;
    }
}

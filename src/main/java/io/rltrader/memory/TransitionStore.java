package io.rltrader.memory;

import io.rltrader.util.OffHeap;
import io.rltrader.util.UserInputException;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The off-heap ring of transitions behind the replay buffers and the sequence sampler.
 *
 * <p>Layout: a ring of {@link #rowCapacity()} rows of {@link #numEnvs()} transitions, one row per
 * vectorized env step, structure of arrays. Transition {@code slot = row * numEnvs + env}, so each
 * env's steps form a stream with stride {@code numEnvs}: the step after {@code slot} in the same env
 * is {@code slot + numEnvs} (modulo the ring). Per slot it keeps the observation, the action, the
 * reward, the next observation, and the terminated and truncated flags. The next observation is
 * stored explicitly rather than read from the next row: where an episode ended, the next row holds
 * the first observation of the new episode (auto-reset), not the real last one, and the newest row
 * has no next row yet; storing it keeps sampling to one read per field and every stored slot
 * samplable, at the price of a second copy of the observations.
 *
 * <p>Single-threaded: one thread adds and samples.
 */
public final class TransitionStore implements TransitionSink {
    private final int numEnvs;
    private final int obsDim;
    private final ActionSpec action;
    private final int rowCapacity;
    private final int capacity;
    private final int observationRowBytes;
    private final int actionRowBytes;

    final UnsafeBuffer observations;
    final UnsafeBuffer actions;
    final UnsafeBuffer rewards;
    final UnsafeBuffer nextObservations;
    final UnsafeBuffer terminated;
    final UnsafeBuffer truncated;

    private long rowsWritten;
    private int newestRow = -1;

    /**
     * A ring for at least {@code capacity} transitions from {@code numEnvs} envs; the capacity is
     * rounded up to a whole number of rows ({@link #capacity()} is what was allocated).
     */
    public TransitionStore(int capacity, int numEnvs, int obsDim, ActionSpec action) {
        if (capacity <= 0) {
            throw new UserInputException("replay capacity must be positive, got " + capacity);
        }
        if (numEnvs <= 0) {
            throw new UserInputException("number of envs must be positive, got " + numEnvs);
        }
        if (obsDim <= 0) {
            throw new UserInputException("observation dimension must be positive, got " + obsDim);
        }
        if (action == null) {
            throw new UserInputException("an action spec is required (discrete or continuous)");
        }
        this.numEnvs = numEnvs;
        this.obsDim = obsDim;
        this.action = action;
        this.rowCapacity = (int) ((capacity + (long) numEnvs - 1) / numEnvs);
        long slots = (long) rowCapacity * numEnvs;
        if (slots * obsDim * Float.BYTES > Integer.MAX_VALUE - OffHeap.ALIGNMENT) {
            throw new UserInputException("replay of " + slots + " transitions of " + obsDim
                + " features exceeds 2 GiB per field; lower the capacity");
        }
        this.capacity = (int) slots;
        this.observationRowBytes = obsDim * Float.BYTES;
        this.actionRowBytes = action.bytes();
        observations = OffHeap.allocate(slots * observationRowBytes);
        actions = OffHeap.allocate(slots * actionRowBytes);
        rewards = OffHeap.allocate(slots * Float.BYTES);
        nextObservations = OffHeap.allocate(slots * observationRowBytes);
        terminated = OffHeap.allocate(slots);
        truncated = OffHeap.allocate(slots);
    }

    /**
     * Stores one vectorized env step: {@code n} transitions, one per env, all buffers in native byte
     * order, structure of arrays, read from offset 0.
     *
     * @param n            the number of envs in the step; must equal {@link #numEnvs()}
     * @param obs          float32 [n x obsDim]: the observations the actions were taken in
     * @param actions      int32 [n] (discrete) or float32 [n x actDim] (continuous)
     * @param rewards      float32 [n]
     * @param nextObs      float32 [n x obsDim]: the env's observations after the step (for an env
     *                     whose episode just ended, the first observation of the next episode)
     * @param finalObs     float32 [n x obsDim]: the real last observation, read only for envs whose
     *                     episode ended this step; it is stored as their next observation
     * @param terminated   uint8 [n], 0 or 1
     * @param truncated    uint8 [n], 0 or 1
     */
    @Override
    public void addBatch(int n, UnsafeBuffer obs, UnsafeBuffer actions, UnsafeBuffer rewards,
            UnsafeBuffer nextObs, UnsafeBuffer finalObs, UnsafeBuffer terminated, UnsafeBuffer truncated) {
        if (n != numEnvs) {
            throw new IllegalArgumentException("a step has " + numEnvs + " transitions (one per env), got " + n);
        }
        int row = newestRow + 1 == rowCapacity ? 0 : newestRow + 1;
        int firstSlot = row * numEnvs;
        int obsBlock = numEnvs * observationRowBytes;
        this.observations.putBytes(firstSlot * observationRowBytes, obs, 0, obsBlock);
        this.nextObservations.putBytes(firstSlot * observationRowBytes, nextObs, 0, obsBlock);
        this.actions.putBytes(firstSlot * actionRowBytes, actions, 0, numEnvs * actionRowBytes);
        this.rewards.putBytes(firstSlot * Float.BYTES, rewards, 0, numEnvs * Float.BYTES);
        this.terminated.putBytes(firstSlot, terminated, 0, numEnvs);
        this.truncated.putBytes(firstSlot, truncated, 0, numEnvs);
        for (int env = 0; env < numEnvs; env++) {
            if ((terminated.getByte(env) | truncated.getByte(env)) != 0) {
                this.nextObservations.putBytes((firstSlot + env) * observationRowBytes,
                    finalObs, env * observationRowBytes, observationRowBytes);
            }
        }
        rowsWritten++;
        newestRow = row;
    }

    /**
     * Writes the n-step transition starting at {@code slot} into row {@code i} of {@code batch}:
     * rewards are summed with discount {@code gamma} over up to {@code nStep} steps of the same env,
     * stopping after a terminated step (discount 0), after a truncated step (discount gamma^k,
     * bootstrapping from the truncation's final observation) or at the newest stored step.
     */
    void copyTransitionInto(int slot, int nStep, float gamma, TransitionBatch batch, int i) {
        WordCopy.copy(batch.observationsMemory, i * observationRowBytes, observations,
            slot * observationRowBytes, observationRowBytes);
        if (action.discrete()) {
            batch.actionsMemory.putLong(i * Long.BYTES, actions.getInt(slot * Integer.BYTES));
        } else {
            WordCopy.copy(batch.actionsMemory, i * actionRowBytes, actions, slot * actionRowBytes, actionRowBytes);
        }
        float discountedReturn = rewards.getFloat(slot * Float.BYTES);
        float discount = gamma;
        int last = slot;
        if (terminated.getByte(slot) != 0) {
            discount = 0f;
        } else if (nStep > 1 && truncated.getByte(slot) == 0) {
            int newerRows = rowsAfter(slot / numEnvs);
            int current = slot;
            for (int k = 1; k < nStep && k <= newerRows; k++) {
                current += numEnvs;
                if (current >= capacity) {
                    current -= capacity;
                }
                discountedReturn += discount * rewards.getFloat(current * Float.BYTES);
                discount *= gamma;
                last = current;
                if (terminated.getByte(current) != 0) {
                    discount = 0f;
                    break;
                }
                if (truncated.getByte(current) != 0) {
                    break;
                }
            }
        }
        batch.rewardsMemory.putFloat(i * Float.BYTES, discountedReturn);
        batch.discountsMemory.putFloat(i * Float.BYTES, discount);
        WordCopy.copy(batch.nextObservationsMemory, i * observationRowBytes, nextObservations,
            last * observationRowBytes, observationRowBytes);
        batch.indicesMemory.putLong(i * Long.BYTES, slot);
    }

    /** How many rows were written after {@code row} and are still stored. */
    int rowsAfter(int row) {
        int after = newestRow - row;
        return after < 0 ? after + rowCapacity : after;
    }

    /** Transitions stored; slots {@code [0, size())} are the written ones. */
    public int size() {
        return (int) Math.min(rowsWritten, rowCapacity) * numEnvs;
    }

    /** Rows (env steps) stored. */
    public int rowsStored() {
        return (int) Math.min(rowsWritten, rowCapacity);
    }

    /** Rows written since creation, including overwritten ones. */
    public long rowsWritten() {
        return rowsWritten;
    }

    /** The ring row of the newest step; -1 when empty. */
    public int newestRow() {
        return newestRow;
    }

    /** The ring row of the oldest stored step; -1 when empty. */
    public int oldestRow() {
        if (rowsWritten == 0) {
            return -1;
        }
        return rowsWritten <= rowCapacity ? 0 : (int) (rowsWritten % rowCapacity);
    }

    /** True once the ring has wrapped: the oldest stored row is not the first one ever written. */
    public boolean wrapped() {
        return rowsWritten > rowCapacity;
    }

    @Override
    public TransitionStore store() {
        return this;
    }

    public int capacity() {
        return capacity;
    }

    public int rowCapacity() {
        return rowCapacity;
    }

    public int numEnvs() {
        return numEnvs;
    }

    public int obsDim() {
        return obsDim;
    }

    public ActionSpec action() {
        return action;
    }

    public float observation(int slot, int feature) {
        return observations.getFloat((slot * obsDim + feature) * Float.BYTES);
    }

    public float nextObservation(int slot, int feature) {
        return nextObservations.getFloat((slot * obsDim + feature) * Float.BYTES);
    }

    public int discreteAction(int slot) {
        return actions.getInt(slot * Integer.BYTES);
    }

    public float continuousAction(int slot, int component) {
        return actions.getFloat((slot * action.dim() + component) * Float.BYTES);
    }

    public float reward(int slot) {
        return rewards.getFloat(slot * Float.BYTES);
    }

    public boolean terminated(int slot) {
        return terminated.getByte(slot) != 0;
    }

    public boolean truncated(int slot) {
        return truncated.getByte(slot) != 0;
    }
}

package io.rltrader.memory;

import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Samples windows of K consecutive steps of one env that lie inside one complete episode, with the
 * (undiscounted) return-to-go and the timestep of every step, for sequence models (decision
 * transformer, world models).
 *
 * <p>{@link #indexEpisodesInPlace()} scans the store once, O(stored), and records for every step of
 * every usable episode its return-to-go and timestep, and every window start. An episode is usable
 * when both its ends are in the store: it ends with a terminated or truncated step (the return-to-go
 * of an unfinished episode is unknown) and its first step was stored (once the ring has wrapped, the
 * oldest partial episode of each env has no known timestep), and it has at least K steps. Sampling
 * is then O(B K): uniform over window starts, with replacement. Re-index after the store changes;
 * sampling a stale index fails.
 */
public final class SequenceSampler {
    private final TransitionStore store;
    private final int windowLength;
    private final Rng rng;
    private final UnsafeBuffer returnsToGo;
    private final UnsafeBuffer timesteps;
    private final UnsafeBuffer windowStarts;
    private int windowCount;
    private long indexedAtRow = -1;

    /**
     * @param store        the transitions to window (a replay buffer's or a loaded dataset's)
     * @param windowLength K, steps per window
     * @param seed         sampling seed; derive it from the run seed
     */
    public SequenceSampler(TransitionStore store, int windowLength, long seed) {
        if (windowLength <= 0) {
            throw new UserInputException("sequence window length must be positive, got " + windowLength);
        }
        this.store = store;
        this.windowLength = windowLength;
        this.rng = new Rng(seed);
        returnsToGo = OffHeap.allocate((long) store.capacity() * Float.BYTES);
        timesteps = OffHeap.allocate((long) store.capacity() * Integer.BYTES);
        windowStarts = OffHeap.allocate((long) store.capacity() * Integer.BYTES);
    }

    /** Rebuilds returns-to-go, timesteps and the window starts from the store's current contents. */
    public void indexEpisodesInPlace() {
        int numEnvs = store.numEnvs();
        int rows = store.rowsStored();
        int oldest = store.oldestRow();
        int rowCapacity = store.rowCapacity();
        windowCount = 0;
        for (int env = 0; env < numEnvs; env++) {
            int start = 0;
            boolean startKnown = !store.wrapped();
            for (int c = 0; c < rows; c++) {
                int slot = slotAt(oldest, c, rowCapacity, numEnvs, env);
                if (store.terminated(slot) || store.truncated(slot)) {
                    if (startKnown) {
                        indexEpisode(oldest, start, c, env);
                    }
                    start = c + 1;
                    startKnown = true;
                }
            }
        }
        indexedAtRow = store.rowsWritten();
    }

    private void indexEpisode(int oldest, int first, int last, int env) {
        int rowCapacity = store.rowCapacity();
        int numEnvs = store.numEnvs();
        float returnToGo = 0f;
        for (int c = last; c >= first; c--) {
            int slot = slotAt(oldest, c, rowCapacity, numEnvs, env);
            returnToGo += store.reward(slot);
            returnsToGo.putFloat(slot * Float.BYTES, returnToGo);
            timesteps.putInt(slot * Integer.BYTES, c - first);
            if (c + windowLength - 1 <= last) {
                windowStarts.putInt(windowCount * Integer.BYTES, slot);
                windowCount++;
            }
        }
    }

    private static int slotAt(int oldest, int chronological, int rowCapacity, int numEnvs, int env) {
        int row = oldest + chronological;
        if (row >= rowCapacity) {
            row -= rowCapacity;
        }
        return row * numEnvs + env;
    }

    /** Fills {@code batch} with {@code batch.size()} windows drawn uniformly. Allocates nothing. */
    public void sample(SequenceBatch batch) {
        if (indexedAtRow != store.rowsWritten()) {
            throw new IllegalStateException("the store changed since indexEpisodesInPlace(); re-index first");
        }
        if (windowCount == 0) {
            throw new IllegalStateException("no complete episode of at least " + windowLength
                + " steps is stored; cannot sample windows");
        }
        if (batch.length() != windowLength || batch.obsDim() != store.obsDim()
                || !batch.action().equals(store.action())) {
            throw new IllegalArgumentException("sequence batch of length " + batch.length() + " and obsDim "
                + batch.obsDim() + " does not match windows of " + windowLength + " over obsDim " + store.obsDim());
        }
        int observationBytes = store.obsDim() * Float.BYTES;
        int actionBytes = store.action().bytes();
        boolean discrete = store.action().discrete();
        int numEnvs = store.numEnvs();
        int capacity = store.capacity();
        for (int b = 0; b < batch.size(); b++) {
            int slot = windowStarts.getInt(rng.nextInt(windowCount) * Integer.BYTES);
            for (int k = 0; k < windowLength; k++) {
                int step = b * windowLength + k;
                long record = store.recordAddress(slot);
                WordCopy.copy(batch.observationsMemory, step * observationBytes,
                    record + TransitionRecordDescriptor.OBSERVATION_OFFSET, observationBytes);
                WordCopy.copy(batch.nextObservationsMemory, step * observationBytes,
                    record + store.nextObservationOffset, observationBytes);
                if (discrete) {
                    batch.actionsMemory.putLong(step * Long.BYTES, store.discreteAction(slot));
                } else {
                    WordCopy.copy(batch.actionsMemory, step * actionBytes, record + store.actionOffset, actionBytes);
                }
                batch.rewardsMemory.putFloat(step * Float.BYTES, store.reward(slot));
                batch.returnsToGoMemory.putFloat(step * Float.BYTES, returnsToGo.getFloat(slot * Float.BYTES));
                batch.terminalsMemory.putFloat(step * Float.BYTES, store.terminated(slot) ? 1f : 0f);
                batch.timestepsMemory.putLong(step * Long.BYTES, timesteps.getInt(slot * Integer.BYTES));
                slot += numEnvs;
                if (slot >= capacity) {
                    slot -= capacity;
                }
            }
        }
    }

    /** Window starts found by the last {@link #indexEpisodesInPlace()}. */
    public int windowCount() {
        return windowCount;
    }

    /** The slot where window {@code i} (in index order) starts. */
    public int windowStart(int i) {
        return windowStarts.getInt(i * Integer.BYTES);
    }

    public float returnToGo(int slot) {
        return returnsToGo.getFloat(slot * Float.BYTES);
    }

    public int timestep(int slot) {
        return timesteps.getInt(slot * Integer.BYTES);
    }

    public int windowLength() {
        return windowLength;
    }
}

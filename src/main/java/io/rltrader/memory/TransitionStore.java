package io.rltrader.memory;

import io.rltrader.util.OffHeap;
import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;
import io.rltrader.util.UserInputException;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The off-heap ring of transitions behind the replay buffers and the sequence sampler.
 *
 * <p>Layout: a ring of {@link #rowCapacity()} rows of {@link #numEnvs()} transitions, one row per
 * vectorized env step. Transition {@code slot = row * numEnvs + env}, so each env's steps form a
 * stream with stride {@code numEnvs}: the step after {@code slot} in the same env is
 * {@code slot + numEnvs} (modulo the ring). Each slot is one record of the observation, the action,
 * the reward, the next observation, and the terminated and truncated flags, laid out as
 * {@link TransitionRecordDescriptor} describes: sampling a transition reads one record (two cache
 * lines and one page for 8 features) instead of one line and one page per field, which is what
 * bounds sampling once the ring outgrows the caches and the TLB. The next observation is stored
 * explicitly rather than read from the next row: where an episode ended, the next row holds the
 * first observation of the new episode (auto-reset), not the real last one, and the newest row has
 * no next row yet; storing it keeps every stored slot samplable from its own record, at the price
 * of a second copy of the observations.
 *
 * <p>Hot loops address records by raw address: slots are checked against the capacity once per
 * transition (and buffer sizes once per call), not per field access.
 *
 * <p>Single-threaded: one thread adds and samples.
 */
public final class TransitionStore implements TransitionSink {
    private final int numEnvs;
    private final int obsDim;
    private final ActionSpec action;
    private final int rowCapacity;
    private final int capacity;
    private final int observationBytes;
    private final int actionBytes;
    final int recordBytes;
    final int nextObservationOffset;
    final int actionOffset;

    /** {@code capacity} records of {@link #recordBytes} bytes, laid out as {@link TransitionRecordDescriptor} says. */
    final UnsafeBuffer records;
    private final long recordsAddress;

    private long rowsWritten;
    private int newestRow = -1;
    /** Sum of the words the prefetch pass of {@link #copyTransitionsInto} read, kept so the reads stay. */
    private long prefetched;

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
        long bytesPerRecord = TransitionRecordDescriptor.recordBytes(obsDim, action.bytes());
        if (slots * bytesPerRecord > Integer.MAX_VALUE - OffHeap.ALIGNMENT) {
            throw new UserInputException("replay of " + slots + " transitions of " + bytesPerRecord
                + " bytes each (" + obsDim + " features) exceeds the 2 GiB a store can hold; lower the capacity");
        }
        this.capacity = (int) slots;
        this.observationBytes = obsDim * Float.BYTES;
        this.actionBytes = action.bytes();
        this.recordBytes = (int) bytesPerRecord;
        this.nextObservationOffset = TransitionRecordDescriptor.nextObservationOffset(obsDim);
        this.actionOffset = TransitionRecordDescriptor.actionOffset(obsDim);
        records = OffHeap.allocate(slots * recordBytes);
        recordsAddress = records.addressOffset();
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
        requireBytes("observations", obs, n * observationBytes);
        requireBytes("next observations", nextObs, n * observationBytes);
        requireBytes("actions", actions, n * actionBytes);
        requireBytes("rewards", rewards, n * Float.BYTES);
        requireBytes("terminated flags", terminated, n);
        requireBytes("truncated flags", truncated, n);
        int row = newestRow + 1 == rowCapacity ? 0 : newestRow + 1;
        long record = recordsAddress + (long) row * numEnvs * recordBytes;
        for (int env = 0; env < n; env++, record += recordBytes) {
            byte ended = terminated.getByte(env);
            byte cut = truncated.getByte(env);
            UnsafeApi.putFloat(record + TransitionRecordDescriptor.REWARD_OFFSET, rewards.getFloat(env * Float.BYTES));
            UnsafeApi.putByte(record + TransitionRecordDescriptor.TERMINATED_OFFSET, ended);
            UnsafeApi.putByte(record + TransitionRecordDescriptor.TRUNCATED_OFFSET, cut);
            copyIn(obs, env * observationBytes, record + TransitionRecordDescriptor.OBSERVATION_OFFSET, observationBytes);
            copyIn(actions, env * actionBytes, record + actionOffset, actionBytes);
            if ((ended | cut) != 0) {
                requireBytes("final observations", finalObs, (env + 1) * observationBytes);
                copyIn(finalObs, env * observationBytes, record + nextObservationOffset, observationBytes);
            } else {
                copyIn(nextObs, env * observationBytes, record + nextObservationOffset, observationBytes);
            }
        }
        rowsWritten++;
        newestRow = row;
    }

    private static void requireBytes(String what, UnsafeBuffer buffer, int bytes) {
        if (buffer.capacity() < bytes) {
            throw new IndexOutOfBoundsException(what + " buffer holds " + buffer.capacity() + " bytes, a step needs "
                + bytes);
        }
    }

    /** Copies {@code bytes} (a multiple of 4) from a checked range of {@code src} (heap or off-heap) to a record. */
    private static void copyIn(UnsafeBuffer src, int srcIndex, long to, int bytes) {
        byte[] array = src.byteArray();
        long from = src.addressOffset() + srcIndex;
        int i = 0;
        for (; i + Long.BYTES <= bytes; i += Long.BYTES) {
            UnsafeApi.putLong(to + i, UnsafeApi.getLong(array, from + i));
        }
        if (i < bytes) {
            UnsafeApi.putInt(to + i, UnsafeApi.getInt(array, from + i));
        }
    }

    /** Raw address of the record of {@code slot}, after checking the slot. */
    long recordAddress(int slot) {
        if (slot < 0 || slot >= capacity) {
            throw new IndexOutOfBoundsException("slot " + slot + " outside [0, " + capacity + ")");
        }
        return recordsAddress + (long) slot * recordBytes;
    }

    /**
     * Writes the n-step transitions starting at the slots in {@code batch}'s indices (already
     * written there) into the batch rows: rewards are summed with discount {@code gamma} over up to
     * {@code nStep} steps of the same env, stopping after a terminated step (discount 0), after a
     * truncated step (discount gamma^k, bootstrapping from the truncation's final observation) or at
     * the newest stored step. Weights are left to the caller.
     *
     * <p>Two passes: the first reads one word of each cache line of every sampled record, with
     * nothing depending on the loads, so the processor can have all the cache misses of the batch in
     * flight at once; the second copies from lines that are then in cache. With the copy alone, the
     * out-of-order window covers only a few transitions' misses at a time.
     */
    void copyTransitionsInto(TransitionBatch batch, int nStep, float gamma) {
        batch.requireCompatible(this);
        int batchSize = batch.size();
        long indices = batch.indicesMemory.addressOffset();
        // Fields in locals: the raw stores below may alias any object as far as the JIT knows, so it
        // would load every field again after each of them.
        long records = recordsAddress;
        int slots = capacity;
        int envs = numEnvs;
        int bytesPerRecord = recordBytes;
        int observationSize = observationBytes;
        int actionSize = actionBytes;
        int actionAt = actionOffset;
        int nextObservationAt = nextObservationOffset;
        long lastWord = bytesPerRecord - Long.BYTES;
        long touched = 0;
        for (int i = 0; i < batchSize; i++) {
            long record = recordAddress((int) UnsafeApi.getLong(indices + (long) i * Long.BYTES));
            touched += UnsafeApi.getLong(record) + UnsafeApi.getLong(record + lastWord);
        }
        prefetched = touched;

        long observationsOut = batch.observationsMemory.addressOffset();
        long nextObservationsOut = batch.nextObservationsMemory.addressOffset();
        long actionsOut = batch.actionsMemory.addressOffset();
        long rewardsOut = batch.rewardsMemory.addressOffset();
        long discountsOut = batch.discountsMemory.addressOffset();
        boolean discrete = action.discrete();
        for (int i = 0; i < batchSize; i++) {
            int slot = (int) UnsafeApi.getLong(indices + (long) i * Long.BYTES);
            // checked in the pass above; the batch's indices are not written in between
            long record = records + (long) slot * bytesPerRecord;
            WordCopy.words(record + TransitionRecordDescriptor.OBSERVATION_OFFSET,
                observationsOut + (long) i * observationSize, observationSize);
            if (discrete) {
                UnsafeApi.putLong(actionsOut + (long) i * Long.BYTES, UnsafeApi.getInt(record + actionAt));
            } else {
                WordCopy.words(record + actionAt, actionsOut + (long) i * actionSize, actionSize);
            }
            float discountedReturn = UnsafeApi.getFloat(record + TransitionRecordDescriptor.REWARD_OFFSET);
            float discount = gamma;
            long last = record;
            if (UnsafeApi.getByte(record + TransitionRecordDescriptor.TERMINATED_OFFSET) != 0) {
                discount = 0f;
            } else if (nStep > 1 && UnsafeApi.getByte(record + TransitionRecordDescriptor.TRUNCATED_OFFSET) == 0) {
                int newerRows = rowsAfter(slot / envs);
                int current = slot;
                for (int k = 1; k < nStep && k <= newerRows; k++) {
                    current += envs;
                    if (current >= slots) {
                        current -= slots;
                    }
                    long next = records + (long) current * bytesPerRecord;
                    discountedReturn += discount * UnsafeApi.getFloat(next + TransitionRecordDescriptor.REWARD_OFFSET);
                    discount *= gamma;
                    last = next;
                    if (UnsafeApi.getByte(next + TransitionRecordDescriptor.TERMINATED_OFFSET) != 0) {
                        discount = 0f;
                        break;
                    }
                    if (UnsafeApi.getByte(next + TransitionRecordDescriptor.TRUNCATED_OFFSET) != 0) {
                        break;
                    }
                }
            }
            UnsafeApi.putFloat(rewardsOut + (long) i * Float.BYTES, discountedReturn);
            UnsafeApi.putFloat(discountsOut + (long) i * Float.BYTES, discount);
            WordCopy.words(last + nextObservationAt, nextObservationsOut + (long) i * observationSize,
                observationSize);
        }
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
        return records.getFloat(fieldIndex(slot, TransitionRecordDescriptor.OBSERVATION_OFFSET, feature, obsDim));
    }

    public float nextObservation(int slot, int feature) {
        return records.getFloat(fieldIndex(slot, nextObservationOffset, feature, obsDim));
    }

    public int discreteAction(int slot) {
        return records.getInt(fieldIndex(slot, actionOffset, 0, 1));
    }

    public float continuousAction(int slot, int component) {
        return records.getFloat(fieldIndex(slot, actionOffset, component, action.dim()));
    }

    public float reward(int slot) {
        return records.getFloat(fieldIndex(slot, TransitionRecordDescriptor.REWARD_OFFSET, 0, 1));
    }

    public boolean terminated(int slot) {
        return records.getByte(fieldIndex(slot, TransitionRecordDescriptor.TERMINATED_OFFSET, 0, 1)) != 0;
    }

    public boolean truncated(int slot) {
        return records.getByte(fieldIndex(slot, TransitionRecordDescriptor.TRUNCATED_OFFSET, 0, 1)) != 0;
    }

    /** Byte index of element {@code element} (of {@code width}) of the field at {@code offset} of slot's record. */
    private int fieldIndex(int slot, int offset, int element, int width) {
        if (slot < 0 || slot >= capacity || element < 0 || element >= width) {
            throw new IndexOutOfBoundsException("slot " + slot + ", element " + element + " outside [0, " + capacity
                + ") x [0, " + width + ")");
        }
        return slot * recordBytes + offset + element * Float.BYTES;
    }

    /** The written records and the ring's position; unwritten records are not state. */
    @Override
    public void writeState(StateWriter out) {
        out.longs("rowsWritten", rowsWritten);
        out.ints("newestRow", newestRow);
        out.bytes("records", records, 0, rowsStored() * numEnvs * recordBytes);
    }

    @Override
    public void readState(StateReader in) {
        long written = in.scalarLong("rowsWritten");
        int newest = in.ints("newestRow", 1)[0];
        if (written < 0 || newest < -1 || newest >= rowCapacity || (written == 0) != (newest == -1)) {
            throw new UserInputException("replay state: " + written + " rows written with newest row " + newest
                + " does not fit a ring of " + rowCapacity + " rows");
        }
        int rowsStored = (int) Math.min(written, rowCapacity);
        in.bytes("records", records, 0, rowsStored * numEnvs * recordBytes);
        rowsWritten = written;
        newestRow = newest;
    }
}

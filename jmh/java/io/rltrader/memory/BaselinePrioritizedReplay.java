package io.rltrader.memory;

import io.rltrader.util.Rng;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * FROZEN COPY, for benchmarks only: the sample and priority-update path of
 * {@link PrioritizedReplayBuffer} (with {@link BaselineSumTree} and the transition copy of
 * {@link TransitionStore}) as of commit da8cbe8, before the batch sample/update rewrite, so that
 * {@link PrioritizedReplayBreakdownBenchmark} measures before and after in one JMH run (its word
 * copy too, {@link #words}). Not used by rltrader itself.
 */
final class BaselinePrioritizedReplay {
    private final PrioritizedReplayBuffer.Config config;
    private final TransitionStore store;
    private final BaselineSumTree tree;
    private final Rng rng;
    private double maxRawPriority = 1.0;
    private long samples;
    private double[] masses = new double[0];
    private long prefetched;

    BaselinePrioritizedReplay(PrioritizedReplayBuffer.Config config) {
        this.config = config;
        ReplayBuffer.Config replay = config.replay();
        this.store = new TransitionStore(replay.capacity(), replay.numEnvs(), replay.obsDim(), replay.action());
        this.tree = new BaselineSumTree(store.capacity());
        this.rng = new Rng(replay.seed());
    }

    void addBatch(int n, UnsafeBuffer obs, UnsafeBuffer actions, UnsafeBuffer rewards,
            UnsafeBuffer nextObs, UnsafeBuffer finalObs, UnsafeBuffer terminated, UnsafeBuffer truncated) {
        store.addBatch(n, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
        int firstSlot = store.newestRow() * store.numEnvs();
        double priority = Math.pow(maxRawPriority, config.alpha());
        for (int env = 0; env < n; env++) {
            tree.putLeaf(firstSlot + env, priority);
        }
        tree.refreshRange(firstSlot, n);
    }

    void sample(TransitionBatch batch) {
        int stored = store.size();
        int batchSize = batch.size();
        if (batchSize > stored) {
            throw new IllegalStateException("cannot sample a batch of " + batchSize + " from "
                + stored + " stored transitions; collect more before training");
        }
        batch.requireCompatible(store);
        double beta = beta();
        samples++;
        drawIndices(batch);
        copyTransitions(batch);
        importanceWeights(batch, beta);
    }

    /** Phase 1 of a sample: stratified masses and the tree searches into the batch's indices. */
    void drawIndices(TransitionBatch batch) {
        int batchSize = batch.size();
        double total = tree.total();
        double segment = total / batchSize;
        if (masses.length < batchSize) {
            masses = new double[batchSize];
        }
        for (int i = 0; i < batchSize; i++) {
            masses[i] = (i + rng.nextDouble()) * segment;
        }
        tree.findAll(masses, batchSize, batch.indicesMemory.addressOffset());
    }

    /** Phase 2 of a sample: the transitions at the batch's indices into its tensors. */
    void copyTransitions(TransitionBatch batch) {
        copyTransitionsInto(store, batch, config.replay().nStep(), config.replay().gamma());
    }

    /** Phase 3 of a sample: one {@code Math.pow} per row. */
    void importanceWeights(TransitionBatch batch, double beta) {
        int batchSize = batch.size();
        double minPriority = tree.min();
        UnsafeBuffer indices = batch.indicesMemory;
        UnsafeBuffer weights = batch.weightsMemory;
        for (int i = 0; i < batchSize; i++) {
            double weight = Math.pow(tree.get((int) indices.getLong(i * Long.BYTES)) / minPriority, -beta);
            weights.putFloat(i * Float.BYTES, (float) weight);
        }
    }

    void updatePriorities(TransitionBatch batch) {
        UnsafeBuffer tdErrors = batch.tdErrorsMemory;
        int offset = 0;
        float alpha = config.alpha();
        float epsilon = config.epsilon();
        int n = batch.size();
        UnsafeBuffer indices = batch.indicesMemory;
        for (int i = 0; i < n; i++) {
            long slot = indices.getLong(i * Long.BYTES);
            if (slot < 0 || slot >= tree.size()) {
                throw new IndexOutOfBoundsException("batch row " + i + " holds slot " + slot + ", outside [0, "
                    + tree.size() + "): the batch was not sampled from this buffer");
            }
            float error = tdErrors.getFloat(offset + i * Float.BYTES);
            if (!Float.isFinite(error)) {
                throw new IllegalArgumentException("TD error " + error + " at batch row " + i
                    + " is not finite; the learner diverged");
            }
        }
        double maxSeen = maxRawPriority;
        for (int i = 0; i < n; i++) {
            double raw = Math.abs(tdErrors.getFloat(offset + i * Float.BYTES)) + (double) epsilon;
            tree.putLeaf((int) indices.getLong(i * Long.BYTES), Math.pow(raw, alpha));
            if (raw > maxSeen) {
                maxSeen = raw;
            }
        }
        tree.refreshLeaves(indices.addressOffset(), n);
        maxRawPriority = maxSeen;
    }

    double beta() {
        long anneal = config.betaAnnealSamples();
        if (anneal == 0) {
            return 1.0;
        }
        double progress = Math.min(1.0, (double) samples / anneal);
        return config.betaStart() + (1.0 - config.betaStart()) * progress;
    }

    TransitionStore store() {
        return store;
    }

    BaselineSumTree tree() {
        return tree;
    }

    /** {@code TransitionStore.copyTransitionsInto} as of da8cbe8. */
    private void copyTransitionsInto(TransitionStore store, TransitionBatch batch, int nStep, float gamma) {
        batch.requireCompatible(store);
        int batchSize = batch.size();
        int numEnvs = store.numEnvs();
        int capacity = store.capacity();
        int recordBytes = store.recordBytes;
        int observationBytes = store.obsDim() * Float.BYTES;
        int actionBytes = store.action().bytes();
        int actionOffset = store.actionOffset;
        int nextObservationOffset = store.nextObservationOffset;
        long recordsAddress = store.records.addressOffset();
        long indices = batch.indicesMemory.addressOffset();
        long lastWord = recordBytes - Long.BYTES;
        long touched = 0;
        for (int i = 0; i < batchSize; i++) {
            long record = recordAddress(recordsAddress, capacity, recordBytes,
                (int) UnsafeApi.getLong(indices + (long) i * Long.BYTES));
            touched += UnsafeApi.getLong(record) + UnsafeApi.getLong(record + lastWord);
        }
        prefetched = touched;

        long observationsOut = batch.observationsMemory.addressOffset();
        long nextObservationsOut = batch.nextObservationsMemory.addressOffset();
        long actionsOut = batch.actionsMemory.addressOffset();
        long rewardsOut = batch.rewardsMemory.addressOffset();
        long discountsOut = batch.discountsMemory.addressOffset();
        boolean discrete = store.action().discrete();
        for (int i = 0; i < batchSize; i++) {
            int slot = (int) UnsafeApi.getLong(indices + (long) i * Long.BYTES);
            long record = recordAddress(recordsAddress, capacity, recordBytes, slot);
            words(record + TransitionRecordDescriptor.OBSERVATION_OFFSET,
                observationsOut + (long) i * observationBytes, observationBytes);
            if (discrete) {
                UnsafeApi.putLong(actionsOut + (long) i * Long.BYTES, UnsafeApi.getInt(record + actionOffset));
            } else {
                words(record + actionOffset, actionsOut + (long) i * actionBytes, actionBytes);
            }
            float discountedReturn = UnsafeApi.getFloat(record + TransitionRecordDescriptor.REWARD_OFFSET);
            float discount = gamma;
            long last = record;
            if (UnsafeApi.getByte(record + TransitionRecordDescriptor.TERMINATED_OFFSET) != 0) {
                discount = 0f;
            } else if (nStep > 1 && UnsafeApi.getByte(record + TransitionRecordDescriptor.TRUNCATED_OFFSET) == 0) {
                int newerRows = store.rowsAfter(slot / numEnvs);
                int current = slot;
                for (int k = 1; k < nStep && k <= newerRows; k++) {
                    current += numEnvs;
                    if (current >= capacity) {
                        current -= capacity;
                    }
                    long next = recordsAddress + (long) current * recordBytes;
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
            words(last + nextObservationOffset, nextObservationsOut + (long) i * observationBytes,
                observationBytes);
        }
    }

    private static long recordAddress(long recordsAddress, int capacity, int recordBytes, int slot) {
        if (slot < 0 || slot >= capacity) {
            throw new IndexOutOfBoundsException("slot " + slot + " outside [0, " + capacity + ")");
        }
        return recordsAddress + (long) slot * recordBytes;
    }

    /** {@code WordCopy.words} as of da8cbe8. */
    private static void words(long from, long to, int bytes) {
        int i = 0;
        for (; i + Long.BYTES <= bytes; i += Long.BYTES) {
            UnsafeApi.putLong(to + i, UnsafeApi.getLong(from + i));
        }
        if (i < bytes) {
            UnsafeApi.putInt(to + i, UnsafeApi.getInt(from + i));
        }
    }
}

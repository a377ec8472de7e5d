package io.rltrader.memory;

import io.rltrader.util.FastPow;
import io.rltrader.util.Rng;
import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A frozen copy of {@link PrioritizedReplayBuffer} as it was before the update path was made
 * cheaper (exact {@code Math.pow} priorities, separate check, set and refresh passes), kept only so
 * that {@link PrioritizedReplayBreakdownBenchmark} can measure both in one run. Not for use.
 */
public final class FrozenPrioritizedReplayBuffer implements TransitionSink {
    private final PrioritizedReplayBuffer.Config config;
    private final TransitionStore store;
    private final FrozenSumTree tree;
    private final Rng rng;
    private double maxRawPriority = 1.0;
    private long samples;
    /** The stratified masses of a sample, searched together; grown to the largest batch seen. */
    private double[] masses = new double[0];
    /** Per-row doubles: an update's new priorities (all computed and checked before the first is set), a sample's weights. */
    private double[] rowScratch = new double[0];

    public FrozenPrioritizedReplayBuffer(PrioritizedReplayBuffer.Config config) {
        this.config = config;
        ReplayBuffer.Config replay = config.replay();
        this.store = new TransitionStore(replay.capacity(), replay.numEnvs(), replay.obsDim(), replay.action());
        this.tree = new FrozenSumTree(store.capacity());
        this.rng = new Rng(replay.seed());
    }

    /**
     * Stores one vectorized env step (see {@link TransitionStore#addBatch}) and gives the new
     * transitions the maximal priority.
     */
    @Override
    public void addBatch(int n, UnsafeBuffer obs, UnsafeBuffer actions, UnsafeBuffer rewards,
            UnsafeBuffer nextObs, UnsafeBuffer finalObs, UnsafeBuffer terminated, UnsafeBuffer truncated) {
        store.addBatch(n, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
        int firstSlot = store.newestRow() * store.numEnvs();
        double priority = Math.pow(maxRawPriority, config.alpha());
        for (int env = 0; env < n; env++) {
            tree.putLeaf(firstSlot + env, priority);
        }
        tree.refreshRange(firstSlot, n);
    }

    /**
     * Fills {@code batch} with a stratified proportional sample and its importance weights, and
     * advances the beta schedule by one step. Allocates nothing.
     */
    public void sample(TransitionBatch batch) {
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
        store.copyTransitionsInto(batch, config.replay().nStep(), config.replay().gamma());
        importanceWeights(batch, beta);
    }

    /** The stratified masses, one per segment of the total, and the leaves that hold them, into the batch's indices. */
    void drawIndices(TransitionBatch batch) {
        int batchSize = batch.size();
        double segment = tree.total() / batchSize;
        if (masses.length < batchSize) {
            masses = new double[batchSize];
        }
        for (int i = 0; i < batchSize; i++) {
            masses[i] = (i + rng.nextDouble()) * segment;
        }
        tree.findAll(masses, batchSize, batch.indicesMemory.addressOffset());
    }

    /**
     * {@code w_i = (N P(i))^-beta / (N P_min)^-beta == (p_i / p_min)^-beta} for the rows the batch
     * holds, as float32. {@link FastPow} instead of {@code Math.pow}: the 256 {@code Math.pow} calls
     * were a quarter of a whole sample; its error (below 1e-14 relative for these ratios) changes a
     * float weight by one ulp about once in ten million.
     */
    void importanceWeights(TransitionBatch batch, double beta) {
        int batchSize = batch.size();
        double minPriority = tree.min();
        long indices = batch.indicesMemory.addressOffset();
        long weights = batch.weightsMemory.addressOffset();
        double[] ratios = scratch(batchSize);
        for (int i = 0; i < batchSize; i++) {
            ratios[i] = tree.getUnchecked((int) UnsafeApi.getLong(indices + (long) i * Long.BYTES)) / minPriority;
        }
        FastPow.powInPlace(ratios, batchSize, -beta);
        for (int i = 0; i < batchSize; i++) {
            UnsafeApi.putFloat(weights + (long) i * Float.BYTES, (float) ratios[i]);
        }
    }

    /** The buffer's scratch of per-row doubles (the priorities of an update, the weights of a sample), at least {@code rows} long. */
    private double[] scratch(int rows) {
        if (rowScratch.length < rows) {
            rowScratch = new double[rows];
        }
        return rowScratch;
    }

    /**
     * Sets the priorities of the transitions last sampled into {@code batch} from the TD errors the
     * learner wrote into {@link TransitionBatch#tdErrors()} (signed or absolute).
     */
    public void updatePriorities(TransitionBatch batch) {
        updatePriorities(batch, batch.tdErrorsMemory, 0);
    }

    /**
     * Sets the priorities of the transitions last sampled into {@code batch} from
     * {@code batch.size()} float32 TD errors in {@code tdErrors} starting at byte {@code offset}.
     * The leaves are set in batch order (a slot drawn twice keeps its later error), then their
     * ancestors are recomputed once per batch, level by level: a sampled batch shares most of them.
     */
    public void updatePriorities(TransitionBatch batch, UnsafeBuffer tdErrors, int offset) {
        double alpha = config.alpha();
        double epsilon = config.epsilon();
        int n = batch.size();
        if (offset < 0 || offset > tdErrors.capacity() - n * Float.BYTES) {
            throw new IndexOutOfBoundsException("TD errors of " + n + " rows at byte " + offset
                + " do not fit a buffer of " + tdErrors.capacity() + " bytes");
        }
        double[] priorities = scratch(n);
        long indices = batch.indicesMemory.addressOffset();
        long errors = tdErrors.addressOffset() + offset;
        byte[] errorsArray = tdErrors.byteArray();
        int leaves = tree.size();
        double maxSeen = maxRawPriority;
        // Everything is checked before the first leaf changes, so a bad input leaves the tree consistent.
        for (int i = 0; i < n; i++) {
            long slot = UnsafeApi.getLong(indices + (long) i * Long.BYTES);
            if (slot < 0 || slot >= leaves) {
                throw new IndexOutOfBoundsException("batch row " + i + " holds slot " + slot + ", outside [0, "
                    + leaves + "): the batch was not sampled from this buffer");
            }
            float error = UnsafeApi.getFloat(errorsArray, errors + (long) i * Float.BYTES);
            if (!Float.isFinite(error)) {
                throw new IllegalArgumentException("TD error " + error + " at batch row " + i
                    + " is not finite; the learner diverged");
            }
            double raw = Math.abs(error) + epsilon;
            priorities[i] = raw;
            maxSeen = Math.max(maxSeen, raw);
        }
        // the powers in a loop of their own: each is a call that clobbers the registers the checks use
        for (int i = 0; i < n; i++) {
            priorities[i] = Math.pow(priorities[i], alpha);
        }
        for (int i = 0; i < n; i++) {
            FrozenSumTree.checkPriority(priorities[i]);
        }
        for (int i = 0; i < n; i++) {
            tree.putLeafUnchecked((int) UnsafeApi.getLong(indices + (long) i * Long.BYTES), priorities[i]);
        }
        tree.refreshLeaves(indices, n);
        maxRawPriority = maxSeen;
    }

    /** The importance exponent the next {@link #sample} will use. */
    public double beta() {
        long anneal = config.betaAnnealSamples();
        if (anneal == 0) {
            return 1.0;
        }
        double progress = Math.min(1.0, (double) samples / anneal);
        return config.betaStart() + (1.0 - config.betaStart()) * progress;
    }

    /** The sampling probability of {@code slot}. */
    public double probability(int slot) {
        return tree.get(slot) / tree.total();
    }

    public int size() {
        return store.size();
    }

    @Override
    public TransitionStore store() {
        return store;
    }

    public FrozenSumTree tree() {
        return tree;
    }

    public PrioritizedReplayBuffer.Config config() {
        return config;
    }

    @Override
    public void writeState(StateWriter out) {
        store.writeState(out.prefixed("store."));
        tree.writeState(out.prefixed("tree."));
        out.doubles("maxRawPriority", maxRawPriority);
        out.longs("samples", samples);
        out.rng("rng", rng);
    }

    @Override
    public void readState(StateReader in) {
        store.readState(in.prefixed("store."));
        tree.readState(in.prefixed("tree."));
        maxRawPriority = in.scalarDouble("maxRawPriority");
        samples = in.scalarLong("samples");
        in.rng("rng", rng);
    }
}

package io.rltrader.memory;

import io.rltrader.util.FastPow;
import io.rltrader.util.FixedExponentPow;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;
import io.rltrader.util.UserInputException;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Proportional prioritized replay (Schaul et al. 2016) over an off-heap {@link TransitionStore} and
 * a {@link SumTree}.
 *
 * <p>Transition {@code i} is drawn with probability {@code P(i) = p_i / sum_j p_j}, where
 * {@code p_i = (|delta_i| + epsilon)^alpha} from its last TD error {@code delta_i}; a new transition
 * gets the largest {@code |delta| + epsilon} seen so far, so it is replayed at least once soon. A
 * batch is drawn stratified: the total mass is cut into {@code B} equal segments and one transition
 * drawn from each. Importance weights are {@code w_i = (N P(i))^-beta / max_j w_j} with {@code N}
 * the stored count and the maximum over all stored transitions that can be drawn (the one of least
 * positive priority; a priority that underflowed to 0 is never drawn), so weights are at most 1;
 * beta anneals linearly from {@code betaStart} to 1 over {@code betaAnnealSamples} calls to
 * {@link #sample}, a horizon that {@link #annealBetaOver} can set later (a trainer sets it to the
 * sample calls its run plans, as the PER paper anneals beta to 1 by the end of learning). n-step
 * returns are as in {@link ReplayBuffer}.
 */
public final class PrioritizedReplayBuffer implements TransitionSink {
    /**
     * @param replay            store shape, n-step settings and seed
     * @param alpha             how strongly priorities skew sampling (0 = uniform)
     * @param betaStart         importance-correction exponent at the first sample
     * @param betaAnnealSamples sample calls over which beta rises linearly to 1 (0 = always 1)
     * @param epsilon           added to |TD error| so no transition has zero probability
     */
    public record Config(ReplayBuffer.Config replay, float alpha, float betaStart, long betaAnnealSamples,
            float epsilon) {
        public Config {
            if (replay == null) {
                throw new UserInputException("prioritized replay needs a replay config");
            }
            if (!(alpha >= 0f) || Float.isInfinite(alpha)) {
                throw new UserInputException("prioritized replay alpha must be finite and >= 0, got " + alpha);
            }
            if (!(betaStart >= 0f && betaStart <= 1f)) {
                throw new UserInputException("prioritized replay beta must be in [0, 1], got " + betaStart);
            }
            if (betaAnnealSamples < 0) {
                throw new UserInputException("beta anneal samples must be >= 0, got " + betaAnnealSamples);
            }
            if (!(epsilon > 0f) || Float.isInfinite(epsilon)) {
                throw new UserInputException("prioritized replay epsilon must be finite and > 0, got " + epsilon);
            }
        }

        /** alpha 0.6, beta 0.4 annealed over 100 000 samples, epsilon 1e-6 (the paper's proportional variant). */
        public static Config of(ReplayBuffer.Config replay) {
            return new Config(replay, 0.6f, 0.4f, 100_000L, 1e-6f);
        }
    }

    private final Config config;
    private final TransitionStore store;
    private final SumTree tree;
    private final Rng rng;
    private final boolean alphaIsOne;
    private final boolean alphaIsHalf;
    /** The priorities' power for any other alpha in (0, 1); null for 0, 1/2, 1 and alphas above 1. */
    private final FixedExponentPow alphaPower;
    /**
     * {@code log2} of each slot's priority, {@code alpha log2(|delta| + epsilon)} (8 bytes a slot),
     * kept while beta is below 1 so that an importance weight {@code (p_i / p_min)^-beta} is
     * {@code 2^(-beta (log2 p_i - log2 p_min))}: one power of 2, where a power of a ratio is a
     * logarithm and a power of 2. Null when beta starts at 1 or does not anneal.
     */
    private final UnsafeBuffer logPriorities;
    private double maxRawPriority = 1.0;
    private long samples;
    /** Sample calls over which beta rises to 1 (0: beta is 1): the config's, until {@link #annealBetaOver}. */
    private long betaAnnealSamples;
    /** The stratified masses of a sample, searched together; grown to the largest batch seen. */
    private double[] masses = new double[0];
    /** Per-row doubles: an update's new priorities (all computed and checked before the first is set), a sample's weights. */
    private double[] rowScratch = new double[0];
    /** Per-row doubles: an update's new log priorities. */
    private double[] logScratch = new double[0];

    public PrioritizedReplayBuffer(Config config) {
        this.config = config;
        ReplayBuffer.Config replay = config.replay();
        this.store = new TransitionStore(replay.capacity(), replay.numEnvs(), replay.obsDim(), replay.action());
        this.tree = new SumTree(store.capacity());
        this.rng = new Rng(replay.seed());
        this.alphaIsOne = config.alpha() == 1f;
        this.alphaIsHalf = config.alpha() == 0.5f;
        this.alphaPower = config.alpha() > 0f && config.alpha() < 1f && !alphaIsHalf
            ? new FixedExponentPow(config.alpha()) : null;
        this.logPriorities = config.betaAnnealSamples() > 0 && config.betaStart() < 1f
            ? OffHeap.allocate((long) store.capacity() * Double.BYTES) : null;
        this.betaAnnealSamples = config.betaAnnealSamples();
    }

    /**
     * Sets the number of {@link #sample} calls, counted from this buffer's first, over which beta rises
     * linearly from the config's {@code betaStart} to 1; beta at the next sample follows from the calls
     * made so far. A buffer configured without annealing (beta always 1) keeps beta at 1.
     *
     * @param samples at least 1
     */
    public void annealBetaOver(long samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("beta must anneal over at least 1 sample call, got " + samples);
        }
        if (config.betaAnnealSamples() > 0) {
            betaAnnealSamples = samples;
        }
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
        double priority = priorityPower(maxRawPriority);
        for (int env = 0; env < n; env++) {
            tree.putLeaf(firstSlot + env, priority);
        }
        tree.refreshRange(firstSlot, n);
        if (keepingLogs()) {
            double log = config.alpha() * FastPow.log2Checked(maxRawPriority);
            long logAddress = logPriorities.addressOffset() + (long) firstSlot * Double.BYTES;
            for (int env = 0; env < n; env++) {
                UnsafeApi.putDouble(logAddress + (long) env * Double.BYTES, log);
            }
        }
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
        double total = tree.total();
        if (!(total < Double.POSITIVE_INFINITY)) {
            // each priority is finite (updatePriorities checks), but their sum can pass the largest double
            throw new IllegalStateException("the priorities of the " + store.size() + " stored transitions sum past "
                + "the largest double (alpha " + config.alpha() + "); the TD errors diverged or alpha is too large");
        }
        double segment = total / batchSize;
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
     * holds, as float32. While beta is below 1, {@code 2^(-beta (log2 p_i - log2 p_min))} from the
     * kept {@link #logPriorities}: one {@link FastPow} power of 2 a row, where a power of the ratio
     * also takes a logarithm (256 such powers measured 2-3.5 us; {@code Math.pow} was a quarter of a
     * whole sample). The error (below 1e-14 relative) changes a float weight by one ulp about once in
     * ten million. Once beta has annealed to 1 (the rest of a run), the weight is {@code p_min / p_i},
     * one correctly rounded division and no power.
     */
    void importanceWeights(TransitionBatch batch, double beta) {
        int batchSize = batch.size();
        double minPriority = tree.min();
        long indices = batch.indicesMemory.addressOffset();
        long weights = batch.weightsMemory.addressOffset();
        if (beta == 1.0) {
            for (int i = 0; i < batchSize; i++) {
                double priority = tree.getUnchecked((int) UnsafeApi.getLong(indices + (long) i * Long.BYTES));
                UnsafeApi.putFloat(weights + (long) i * Float.BYTES, (float) (minPriority / priority));
            }
            return;
        }
        double[] ratios = scratch(batchSize);
        if (logPriorities != null && FastPow.normal(minPriority)) {
            double logMin = FastPow.log2Checked(minPriority);
            long logs = logPriorities.addressOffset();
            for (int i = 0; i < batchSize; i++) {
                long slot = UnsafeApi.getLong(indices + (long) i * Long.BYTES);
                ratios[i] = -beta * (UnsafeApi.getDouble(logs + slot * Double.BYTES) - logMin);
            }
            FastPow.exp2InPlace(ratios, batchSize);
        } else {
            for (int i = 0; i < batchSize; i++) {
                ratios[i] = tree.getUnchecked((int) UnsafeApi.getLong(indices + (long) i * Long.BYTES)) / minPriority;
            }
            FastPow.powInPlace(ratios, batchSize, -beta);
        }
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
        boolean logs = keepingLogs();
        if (logs && logScratch.length < n) {
            logScratch = new double[n];
        }
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
            // the power in the checking loop, where its arithmetic overlaps the checks
            priorities[i] = priorityPower(raw);
            if (logs) {
                logScratch[i] = raw;
            }
            maxSeen = Math.max(maxSeen, raw);
        }
        if (logs) {
            // alpha log2(raw): the log priorities the importance weights use below beta 1
            FastPow.scaledLog2InPlace(logScratch, n, config.alpha());
        }
        // a large alpha can overflow a power: checked too before the first leaf changes, in one
        // branch-free pass, and the offending row named only when there is one
        boolean valid = true;
        for (int i = 0; i < n; i++) {
            valid &= priorities[i] >= 0.0 & priorities[i] < Double.POSITIVE_INFINITY;
        }
        if (!valid) {
            for (int i = 0; i < n; i++) {
                if (!(priorities[i] >= 0.0 && priorities[i] < Double.POSITIVE_INFINITY)) {
                    throw new IllegalArgumentException("priority " + priorities[i] + " of batch row " + i
                        + " (|TD error| + epsilon to the power alpha " + config.alpha() + ") is not finite");
                }
            }
        }
        tree.setLeavesAndRefresh(indices, priorities, n);
        if (logs) {
            // in batch order, as the leaves: a slot drawn twice keeps its later priority and log
            long logAddress = logPriorities.addressOffset();
            for (int i = 0; i < n; i++) {
                long slot = UnsafeApi.getLong(indices + (long) i * Long.BYTES);
                UnsafeApi.putDouble(logAddress + slot * Double.BYTES, logScratch[i]);
            }
        }
        maxRawPriority = maxSeen;
    }

    /**
     * {@code p = raw^alpha}, the priority of a transition whose {@code |delta| + epsilon} is
     * {@code raw}, for the update's loop and for new transitions alike, so a new transition's
     * priority has the same bits as that of the update that set the maximum. Exact for alpha 1
     * ({@code raw}) and 1/2 ({@link Math#sqrt}, correctly rounded); for another alpha in (0, 1) from
     * the alpha's tables ({@link FixedExponentPow}, below {@code 1e-15} relative), which take half the
     * time of a logarithm and a power of 2 ({@link FastPow}: 1.6 against 3.3 us for an update's 256,
     * paired), and those took a fifth of the time of {@code Math.pow}; above 1, {@link FastPow}.
     */
    double priorityPower(double raw) {
        if (alphaIsOne) {
            return raw;
        }
        if (alphaIsHalf) {
            return Math.sqrt(raw);
        }
        if (alphaPower != null) {
            return alphaPower.pow(raw);
        }
        return FastPow.pow(raw, config.alpha());
    }

    /** True while the next sample's beta is below 1, when weights are made from {@link #logPriorities}. */
    private boolean keepingLogs() {
        return logPriorities != null && beta() < 1.0;
    }

    /** The importance exponent the next {@link #sample} will use. */
    public double beta() {
        long anneal = betaAnnealSamples;
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

    public SumTree tree() {
        return tree;
    }

    public Config config() {
        return config;
    }

    @Override
    public void writeState(StateWriter out) {
        store.writeState(out.prefixed("store."));
        tree.writeState(out.prefixed("tree."));
        if (logPriorities != null) {
            out.bytes("logPriorities", logPriorities, 0, logPriorities.capacity());
        }
        out.doubles("maxRawPriority", maxRawPriority);
        out.longs("samples", samples);
        out.rng("rng", rng);
    }

    @Override
    public void readState(StateReader in) {
        store.readState(in.prefixed("store."));
        tree.readState(in.prefixed("tree."));
        if (logPriorities != null) {
            in.bytes("logPriorities", logPriorities, 0, logPriorities.capacity());
        }
        maxRawPriority = in.scalarDouble("maxRawPriority");
        samples = in.scalarLong("samples");
        in.rng("rng", rng);
    }
}

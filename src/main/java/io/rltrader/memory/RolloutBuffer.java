package io.rltrader.memory;

import io.rltrader.nn.OffHeapTensors;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Tensor;

/**
 * On-policy rollout memory for T steps of N vectorized envs, off-heap, with GAE and shuffled
 * minibatch iteration into a preallocated {@link RolloutMinibatch}.
 *
 * <p>Cycle: {@link #reset()}, then {@link #addStep} T times, then
 * {@link #computeAdvantagesInPlace}, then per epoch {@link #startEpoch()} and
 * {@link #nextMinibatch} until it returns false. Layout: every field is row-major [T, N] (times the
 * per-sample width); sample {@code t * N + env}. Whole-rollout tensors ({@link #advantages()} and
 * the like) view the same memory, e.g. for normalizing advantages in one LibTorch call.
 */
public final class RolloutBuffer implements AutoCloseable {
    /**
     * @param steps         T, env steps per rollout
     * @param numEnvs       N, vectorized envs
     * @param obsDim        features per observation
     * @param action        discrete index or continuous vector
     * @param minibatchSize samples per minibatch; must divide T * N
     * @param seed          shuffling seed; derive it from the run seed
     */
    public record Config(int steps, int numEnvs, int obsDim, ActionSpec action, int minibatchSize, long seed) {
        public Config {
            if (steps <= 0) {
                throw new UserInputException("rollout steps must be positive, got " + steps);
            }
            if (numEnvs <= 0) {
                throw new UserInputException("rollout numEnvs must be positive, got " + numEnvs);
            }
            if (obsDim <= 0) {
                throw new UserInputException("rollout obsDim must be positive, got " + obsDim);
            }
            if (action == null) {
                throw new UserInputException("rollout needs an action spec (discrete or continuous)");
            }
            long samples = (long) steps * numEnvs;
            if (samples * obsDim * Float.BYTES > Integer.MAX_VALUE - OffHeap.ALIGNMENT) {
                throw new UserInputException("rollout of " + steps + " x " + numEnvs + " x " + obsDim
                    + " observations exceeds 2 GiB; lower steps or envs");
            }
            if (minibatchSize <= 0 || minibatchSize > samples || samples % minibatchSize != 0) {
                throw new UserInputException("rollout minibatch size must divide steps x envs = " + samples
                    + ", got " + minibatchSize);
            }
        }
    }

    private final Config config;
    private final int steps;
    private final int numEnvs;
    private final int samples;
    private final int observationRowBytes;
    private final int actionRowBytes;

    private final UnsafeBuffer observations;
    private final UnsafeBuffer actions;
    private final UnsafeBuffer logProbs;
    private final UnsafeBuffer values;
    private final UnsafeBuffer rewards;
    private final UnsafeBuffer terminated;
    private final UnsafeBuffer truncated;
    private final UnsafeBuffer truncationValues;
    private final UnsafeBuffer advantages;
    private final UnsafeBuffer returns;

    private final OffHeapTensors tensors;
    private final Tensor observationsTensor;
    private final Tensor valuesTensor;
    private final Tensor advantagesTensor;
    private final Tensor returnsTensor;

    private final int[] permutation;
    private final Rng rng;
    private int stepsAdded;
    private boolean advantagesReady;
    private int cursor;

    public RolloutBuffer(Config config) {
        this.config = config;
        this.steps = config.steps();
        this.numEnvs = config.numEnvs();
        this.samples = steps * numEnvs;
        this.observationRowBytes = config.obsDim() * Float.BYTES;
        this.actionRowBytes = config.action().bytes();
        long n = samples;
        observations = OffHeap.allocate(n * observationRowBytes);
        actions = OffHeap.allocate(n * actionRowBytes);
        logProbs = OffHeap.allocate(n * Float.BYTES);
        values = OffHeap.allocate(n * Float.BYTES);
        rewards = OffHeap.allocate(n * Float.BYTES);
        terminated = OffHeap.allocate(n);
        truncated = OffHeap.allocate(n);
        truncationValues = OffHeap.allocate(n * Float.BYTES);
        advantages = OffHeap.allocate(n * Float.BYTES);
        returns = OffHeap.allocate(n * Float.BYTES);
        tensors = new OffHeapTensors();
        observationsTensor = tensors.float32(observations, steps, numEnvs, config.obsDim());
        valuesTensor = tensors.float32(values, steps, numEnvs);
        advantagesTensor = tensors.float32(advantages, steps, numEnvs);
        returnsTensor = tensors.float32(returns, steps, numEnvs);
        permutation = new int[samples];
        for (int i = 0; i < samples; i++) {
            permutation[i] = i;
        }
        rng = new Rng(config.seed());
        cursor = samples;
    }

    /** Empties the rollout for the next collection (memory is reused, not cleared). */
    public void reset() {
        stepsAdded = 0;
        advantagesReady = false;
        cursor = samples;
    }

    /**
     * Stores one vectorized env step; all buffers native order, from offset 0.
     *
     * @param obs              float32 [N x obsDim]: observations the actions were taken in
     * @param actions          int32 [N] or float32 [N x actDim]
     * @param logProbs         float32 [N]: log-probability of each action under the acting policy
     * @param values           float32 [N]: V(obs)
     * @param rewards          float32 [N]
     * @param terminated       uint8 [N]
     * @param truncated        uint8 [N]
     * @param truncationValues float32 [N]: V(final observation), read only for envs truncated this
     *                         step; may be null when no env was truncated
     */
    public void addStep(UnsafeBuffer obs, UnsafeBuffer actions, UnsafeBuffer logProbs, UnsafeBuffer values,
            UnsafeBuffer rewards, UnsafeBuffer terminated, UnsafeBuffer truncated, UnsafeBuffer truncationValues) {
        if (stepsAdded == steps) {
            throw new IllegalStateException("rollout already holds " + steps + " steps; reset() it first");
        }
        int first = stepsAdded * numEnvs;
        this.observations.putBytes(first * observationRowBytes, obs, 0, numEnvs * observationRowBytes);
        this.actions.putBytes(first * actionRowBytes, actions, 0, numEnvs * actionRowBytes);
        this.logProbs.putBytes(first * Float.BYTES, logProbs, 0, numEnvs * Float.BYTES);
        this.values.putBytes(first * Float.BYTES, values, 0, numEnvs * Float.BYTES);
        this.rewards.putBytes(first * Float.BYTES, rewards, 0, numEnvs * Float.BYTES);
        this.terminated.putBytes(first, terminated, 0, numEnvs);
        this.truncated.putBytes(first, truncated, 0, numEnvs);
        for (int env = 0; env < numEnvs; env++) {
            float bootstrap = 0f;
            if (truncated.getByte(env) != 0 && terminated.getByte(env) == 0) {
                if (truncationValues == null) {
                    throw new IllegalArgumentException("env " + env + " was truncated at step " + stepsAdded
                        + " but no V(final observation) was given");
                }
                bootstrap = truncationValues.getFloat(env * Float.BYTES);
            }
            this.truncationValues.putFloat((first + env) * Float.BYTES, bootstrap);
        }
        stepsAdded++;
        advantagesReady = false;
    }

    /**
     * Generalized advantage estimation over the full rollout, newest step first:
     * {@code delta_t = r_t + gamma * V_next - V(s_t)} and {@code A_t = delta_t + gamma * lambda *
     * A_{t+1}}, where on termination {@code V_next = 0} and the recursion restarts; on truncation
     * {@code V_next} is the supplied V(final observation) and the recursion restarts (the next step
     * belongs to a new episode); otherwise {@code V_next} is the next step's value, or
     * {@code lastValues} (float32 [N], V of the observations after the last step) at the end.
     * Returns are {@code A_t + V(s_t)}.
     */
    public void computeAdvantagesInPlace(UnsafeBuffer lastValues, float gamma, float lambda) {
        if (stepsAdded != steps) {
            throw new IllegalStateException("rollout holds " + stepsAdded + " of " + steps
                + " steps; advantages need a full rollout");
        }
        for (int env = 0; env < numEnvs; env++) {
            float nextAdvantage = 0f;
            float nextValue = lastValues.getFloat(env * Float.BYTES);
            for (int t = steps - 1; t >= 0; t--) {
                int i = t * numEnvs + env;
                float value = values.getFloat(i * Float.BYTES);
                float reward = rewards.getFloat(i * Float.BYTES);
                float advantage;
                if (terminated.getByte(i) != 0) {
                    advantage = reward - value;
                } else if (truncated.getByte(i) != 0) {
                    advantage = reward + gamma * truncationValues.getFloat(i * Float.BYTES) - value;
                } else {
                    advantage = reward + gamma * nextValue - value + gamma * lambda * nextAdvantage;
                }
                advantages.putFloat(i * Float.BYTES, advantage);
                returns.putFloat(i * Float.BYTES, advantage + value);
                nextAdvantage = advantage;
                nextValue = value;
            }
        }
        advantagesReady = true;
    }

    /**
     * Restarts the shuffling stream from {@code seed} with the identity order, so that the sample
     * order of an update depends only on that seed (learners reseed per update from the run seed
     * and the update count, which makes a resumed run shuffle as the uninterrupted one). Allocates
     * nothing.
     */
    public void reseedShuffle(long seed) {
        for (int i = 0; i < samples; i++) {
            permutation[i] = i;
        }
        rng.setSeed(seed);
    }

    /** Shuffles the sample order (seeded Fisher-Yates) and restarts minibatch iteration. */
    public void startEpoch() {
        if (!advantagesReady) {
            throw new IllegalStateException("computeAdvantagesInPlace must run before minibatch iteration");
        }
        for (int i = samples - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int swap = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = swap;
        }
        cursor = 0;
    }

    /**
     * Copies the next {@code minibatch.size()} shuffled samples into {@code minibatch}; false (and
     * nothing copied) once the epoch is exhausted. Allocates nothing.
     */
    public boolean nextMinibatch(RolloutMinibatch minibatch) {
        int size = minibatch.size();
        if (size != config.minibatchSize() || minibatch.obsDim() != config.obsDim()
                || !minibatch.action().equals(config.action())) {
            throw new IllegalArgumentException("minibatch of " + size + " x " + minibatch.obsDim()
                + " does not match the rollout config " + config);
        }
        if (cursor + size > samples) {
            return false;
        }
        boolean discrete = config.action().discrete();
        for (int row = 0; row < size; row++) {
            int i = permutation[cursor + row];
            WordCopy.copy(minibatch.observationsMemory, row * observationRowBytes, observations,
                i * observationRowBytes, observationRowBytes);
            if (discrete) {
                minibatch.actionsMemory.putLong(row * Long.BYTES, actions.getInt(i * Integer.BYTES));
            } else {
                WordCopy.copy(minibatch.actionsMemory, row * actionRowBytes, actions, i * actionRowBytes, actionRowBytes);
            }
            minibatch.logProbsMemory.putFloat(row * Float.BYTES, logProbs.getFloat(i * Float.BYTES));
            minibatch.valuesMemory.putFloat(row * Float.BYTES, values.getFloat(i * Float.BYTES));
            minibatch.advantagesMemory.putFloat(row * Float.BYTES, advantages.getFloat(i * Float.BYTES));
            minibatch.returnsMemory.putFloat(row * Float.BYTES, returns.getFloat(i * Float.BYTES));
        }
        cursor += size;
        return true;
    }

    public float advantage(int step, int env) {
        return advantages.getFloat((step * numEnvs + env) * Float.BYTES);
    }

    public float returnValue(int step, int env) {
        return returns.getFloat((step * numEnvs + env) * Float.BYTES);
    }

    /** Observations, float32 [T, N, obsDim]. */
    public Tensor observations() {
        return observationsTensor;
    }

    /** Values V(s_t), float32 [T, N]. */
    public Tensor values() {
        return valuesTensor;
    }

    /** Advantages, float32 [T, N]; a learner may normalize them in place before iterating. */
    public Tensor advantages() {
        return advantagesTensor;
    }

    /** Returns (advantage + value), float32 [T, N]. */
    public Tensor returns() {
        return returnsTensor;
    }

    public int stepsAdded() {
        return stepsAdded;
    }

    public Config config() {
        return config;
    }

    @Override
    public void close() {
        tensors.close();
    }
}

package io.rltrader.memory;

import io.rltrader.util.Rng;
import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;
import io.rltrader.util.UserInputException;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Uniform experience replay over an off-heap {@link TransitionStore}: filled one vectorized env
 * step at a time, sampled with replacement in O(batch) into a preallocated {@link TransitionBatch}
 * (whose fields are LibTorch tensors over the same memory), with optional n-step returns.
 * Sampling is reproducible: one {@link Rng} per buffer, seeded from {@link Config#seed()}.
 */
public final class ReplayBuffer implements TransitionSink {
    /**
     * @param capacity transitions kept (rounded up to a whole number of env steps)
     * @param numEnvs  envs per stored step (the vectorized env's N)
     * @param obsDim   features per observation
     * @param action   discrete index or continuous vector
     * @param nStep    steps summed into one sampled reward (1 = one-step transitions)
     * @param gamma    discount for the n-step sum and the returned bootstrap discount
     * @param seed     sampling seed; derive it from the run seed (e.g. {@code Rng.deriveSeed(run, k)})
     */
    public record Config(int capacity, int numEnvs, int obsDim, ActionSpec action, int nStep, float gamma,
            long seed) {
        public Config {
            if (capacity <= 0) {
                throw new UserInputException("replay capacity must be positive, got " + capacity);
            }
            if (numEnvs <= 0) {
                throw new UserInputException("replay numEnvs must be positive, got " + numEnvs);
            }
            if (obsDim <= 0) {
                throw new UserInputException("replay obsDim must be positive, got " + obsDim);
            }
            if (action == null) {
                throw new UserInputException("replay needs an action spec (discrete or continuous)");
            }
            if (nStep < 1) {
                throw new UserInputException("replay nStep must be at least 1, got " + nStep);
            }
            if (!(gamma >= 0f && gamma <= 1f)) {
                throw new UserInputException("replay gamma must be in [0, 1], got " + gamma);
            }
        }

        /** One-step transitions, gamma 0.99, seed 0. */
        public static Config of(int capacity, int numEnvs, int obsDim, ActionSpec action) {
            return new Config(capacity, numEnvs, obsDim, action, 1, 0.99f, 0L);
        }

        public Config withNStep(int steps, float discount) {
            return new Config(capacity, numEnvs, obsDim, action, steps, discount, seed);
        }

        public Config withSeed(long newSeed) {
            return new Config(capacity, numEnvs, obsDim, action, nStep, gamma, newSeed);
        }
    }

    private final Config config;
    private final TransitionStore store;
    private final Rng rng;

    public ReplayBuffer(Config config) {
        this.config = config;
        this.store = new TransitionStore(config.capacity(), config.numEnvs(), config.obsDim(), config.action());
        this.rng = new Rng(config.seed());
    }

    /** Stores one vectorized env step; see {@link TransitionStore#addBatch} for the buffer contract. */
    @Override
    public void addBatch(int n, UnsafeBuffer obs, UnsafeBuffer actions, UnsafeBuffer rewards,
            UnsafeBuffer nextObs, UnsafeBuffer finalObs, UnsafeBuffer terminated, UnsafeBuffer truncated) {
        store.addBatch(n, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
    }

    /**
     * Fills {@code batch} with {@code batch.size()} transitions drawn uniformly, with replacement,
     * from the stored ones; weights are 1. Allocates nothing.
     */
    public void sample(TransitionBatch batch) {
        int stored = store.size();
        int batchSize = batch.size();
        if (batchSize > stored) {
            throw new IllegalStateException("cannot sample a batch of " + batchSize + " from "
                + stored + " stored transitions; collect more before training");
        }
        batch.requireCompatible(store);
        // All indices first: the copy then has every miss of the batch available at once.
        UnsafeBuffer indices = batch.indicesMemory;
        for (int i = 0; i < batchSize; i++) {
            indices.putLong(i * Long.BYTES, rng.nextInt(stored));
        }
        store.copyTransitionsInto(batch, config.nStep(), config.gamma());
        UnsafeBuffer weights = batch.weightsMemory;
        for (int i = 0; i < batchSize; i++) {
            weights.putFloat(i * Float.BYTES, 1f);
        }
    }

    public int size() {
        return store.size();
    }

    @Override
    public TransitionStore store() {
        return store;
    }

    public Config config() {
        return config;
    }

    @Override
    public void writeState(StateWriter out) {
        store.writeState(out.prefixed("store."));
        out.rng("rng", rng);
    }

    @Override
    public void readState(StateReader in) {
        store.readState(in.prefixed("store."));
        in.rng("rng", rng);
    }
}

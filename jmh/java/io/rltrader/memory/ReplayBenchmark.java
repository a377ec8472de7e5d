package io.rltrader.memory;

import io.rltrader.bench.AllocationFree;
import io.rltrader.bench.ItemsPerOp;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Replay hot paths of an off-policy learner, one thread: a full buffer of 8-feature
 * observations and discrete actions, filled by 64 envs, sampled in batches of 256. These are the
 * per-update memory costs that sit next to a ~200-500 microsecond network update, so they must be a
 * few microseconds and allocate nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class ReplayBenchmark {
    private static final int ENVS = 64;
    private static final int OBS_DIM = 8;
    private static final int BATCH = 256;

    /** Stored transitions: 10 000 fits the caches of a small machine, 1 000 000 does not. */
    @Param({"10000", "100000", "1000000"})
    public int capacity;

    private ReplayBuffer uniform;
    private PrioritizedReplayBuffer prioritized;
    private TransitionBatch batch;
    private UnsafeBuffer obs;
    private static final int FLOOR_RECORD_BYTES = 80;
    private UnsafeBuffer floorMemory;
    private final Rng floorRng = new Rng(1);
    private UnsafeBuffer actions;
    private UnsafeBuffer rewards;
    private UnsafeBuffer nextObs;
    private UnsafeBuffer finalObs;
    private UnsafeBuffer terminated;
    private UnsafeBuffer truncated;

    @Setup(Level.Trial)
    public void setUp() {
        ActionSpec action = ActionSpec.discreteIndex();
        ReplayBuffer.Config config = ReplayBuffer.Config.of(capacity, ENVS, OBS_DIM, action).withSeed(1);
        uniform = new ReplayBuffer(config);
        prioritized = new PrioritizedReplayBuffer(PrioritizedReplayBuffer.Config.of(config));
        batch = new TransitionBatch(BATCH, OBS_DIM, action);
        obs = OffHeap.allocate(ENVS * OBS_DIM * 4L);
        actions = OffHeap.allocate(ENVS * 4L);
        rewards = OffHeap.allocate(ENVS * 4L);
        nextObs = OffHeap.allocate(ENVS * OBS_DIM * 4L);
        finalObs = OffHeap.allocate(ENVS * OBS_DIM * 4L);
        terminated = OffHeap.allocate(ENVS);
        truncated = OffHeap.allocate(ENVS);
        floorMemory = OffHeap.allocate((long) uniform.store().capacity() * FLOOR_RECORD_BYTES);
        for (int i = 0; i < floorMemory.capacity(); i += 4096) {
            floorMemory.putByte(i, (byte) 1);
        }
        Rng rng = new Rng(7);
        for (int step = 0; step < capacity / ENVS + 10; step++) {
            for (int i = 0; i < ENVS * OBS_DIM; i++) {
                obs.putFloat(i * 4, (float) rng.nextGaussian());
                nextObs.putFloat(i * 4, (float) rng.nextGaussian());
                finalObs.putFloat(i * 4, (float) rng.nextGaussian());
            }
            for (int env = 0; env < ENVS; env++) {
                actions.putInt(env * 4, rng.nextInt(3));
                rewards.putFloat(env * 4, (float) rng.nextGaussian());
                boolean ended = rng.nextDouble() < 0.01;
                terminated.putByte(env, (byte) (ended && rng.nextDouble() < 0.5 ? 1 : 0));
                truncated.putByte(env, (byte) (ended && terminated.getByte(env) == 0 ? 1 : 0));
            }
            uniform.addBatch(ENVS, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
            prioritized.addBatch(ENVS, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
        }
        for (int i = 0; i < BATCH; i++) {
            batch.tdErrorsMemory().putFloat(i * 4, (float) rng.nextGaussian());
        }
    }

    /**
     * The memory floor of {@link #uniformSample256}: the same 256 uniform draws, each reading one
     * word from both cache lines of an 80-byte record in a block the size of the store, with no
     * copying. Sampling cannot beat this once the store outgrows the caches and the TLB.
     */
    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "sample")
    public long randomRecordReadFloor256() {
        int stored = uniform.size();
        long touched = 0;
        for (int i = 0; i < BATCH; i++) {
            int index = floorRng.nextInt(stored) * FLOOR_RECORD_BYTES;
            touched += floorMemory.getLong(index) + floorMemory.getLong(index + FLOOR_RECORD_BYTES - Long.BYTES);
        }
        return touched;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batch.close();
    }

    /** Uniform sample of 256 one-step transitions into the batch tensors: the DQN/SAC per-update read. */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch uniformSample256() {
        uniform.sample(batch);
        return batch;
    }

    /**
     * Prioritized sample of 256 (sum-tree search and importance weights) followed by the priority
     * update from the batch's TD errors: the full per-update overhead of prioritized replay.
     */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch prioritizedSampleAndUpdate256() {
        prioritized.sample(batch);
        prioritized.updatePriorities(batch);
        return batch;
    }

    /** Storing one vectorized step of 64 transitions straight from the env's buffers. */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = ENVS, unit = "sample")
    public int storeStepOf64() {
        uniform.addBatch(ENVS, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
        return uniform.size();
    }

    /** The same step into the prioritized buffer, which also sets 64 sum-tree leaves. */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = ENVS, unit = "sample")
    public int prioritizedStoreStepOf64() {
        prioritized.addBatch(ENVS, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
        return prioritized.size();
    }
}

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
 * Where the time of a prioritized sample + priority update of 256 goes, before and after the batch
 * rewrite, in one run: the workload of {@link ReplayBenchmark} (8 features, discrete actions, 64 envs,
 * a full buffer) in a {@link PrioritizedReplayBuffer} and in {@link BaselinePrioritizedReplay}, the
 * frozen previous implementation. The phases are measured cumulatively (search; search + copy;
 * the whole sample; sample + update), each on fresh draws, so that every phase sees the cache state
 * it sees in training; the differences between consecutive rows are the phase costs.
 * {@link #randomRecordReadFloor256} is the memory floor: 256 random two-line record reads and
 * nothing else.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class PrioritizedReplayBreakdownBenchmark {
    private static final int ENVS = 64;
    private static final int OBS_DIM = 8;
    private static final int BATCH = 256;
    private static final int FLOOR_RECORD_BYTES = 80;

    @Param({"10000", "100000", "1000000"})
    public int capacity;

    private BaselinePrioritizedReplay baseline;
    private PrioritizedReplayBuffer prioritized;
    private TransitionBatch batch;
    private UnsafeBuffer floorMemory;
    private final Rng floorRng = new Rng(1);

    @Setup(Level.Trial)
    public void setUp() {
        ActionSpec action = ActionSpec.discreteIndex();
        ReplayBuffer.Config config = ReplayBuffer.Config.of(capacity, ENVS, OBS_DIM, action).withSeed(1);
        PrioritizedReplayBuffer.Config prioritizedConfig = PrioritizedReplayBuffer.Config.of(config);
        baseline = new BaselinePrioritizedReplay(prioritizedConfig);
        prioritized = new PrioritizedReplayBuffer(prioritizedConfig);
        batch = new TransitionBatch(BATCH, OBS_DIM, action);
        UnsafeBuffer obs = OffHeap.allocate(ENVS * OBS_DIM * 4L);
        UnsafeBuffer actions = OffHeap.allocate(ENVS * 4L);
        UnsafeBuffer rewards = OffHeap.allocate(ENVS * 4L);
        UnsafeBuffer nextObs = OffHeap.allocate(ENVS * OBS_DIM * 4L);
        UnsafeBuffer finalObs = OffHeap.allocate(ENVS * OBS_DIM * 4L);
        UnsafeBuffer terminated = OffHeap.allocate(ENVS);
        UnsafeBuffer truncated = OffHeap.allocate(ENVS);
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
            baseline.addBatch(ENVS, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
            prioritized.addBatch(ENVS, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
        }
        for (int i = 0; i < BATCH; i++) {
            batch.tdErrorsMemory().putFloat(i * 4, (float) rng.nextGaussian());
        }
        floorMemory = OffHeap.allocate((long) baseline.store().capacity() * FLOOR_RECORD_BYTES);
        for (int i = 0; i < floorMemory.capacity(); i += 4096) {
            floorMemory.putByte(i, (byte) 1);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batch.close();
    }

    /** 256 uniform draws, each reading one word of both cache lines of an 80-byte record: the memory floor. */
    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "sample")
    public long randomRecordReadFloor256() {
        int stored = baseline.store().size();
        long touched = 0;
        for (int i = 0; i < BATCH; i++) {
            int index = floorRng.nextInt(stored) * FLOOR_RECORD_BYTES;
            touched += floorMemory.getLong(index) + floorMemory.getLong(index + FLOOR_RECORD_BYTES - Long.BYTES);
        }
        return touched;
    }

    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch baseline1Search256() {
        baseline.drawIndices(batch);
        return batch;
    }

    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch baseline2SearchCopy256() {
        baseline.drawIndices(batch);
        baseline.copyTransitions(batch);
        return batch;
    }

    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch baseline3Sample256() {
        baseline.sample(batch);
        return batch;
    }

    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch baseline4SampleAndUpdate256() {
        baseline.sample(batch);
        baseline.updatePriorities(batch);
        return batch;
    }

    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch current1Search256() {
        prioritized.drawIndices(batch);
        return batch;
    }

    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch current2SearchCopy256() {
        prioritized.drawIndices(batch);
        prioritized.store().copyTransitionsInto(batch, 1, 0.99f);
        return batch;
    }

    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch current3Sample256() {
        prioritized.sample(batch);
        return batch;
    }

    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch current4SampleAndUpdate256() {
        prioritized.sample(batch);
        prioritized.updatePriorities(batch);
        return batch;
    }
}

package io.rltrader.memory;

import io.rltrader.bench.AllocationFree;
import io.rltrader.bench.ItemsPerOp;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import java.util.concurrent.TimeUnit;
import org.agrona.UnsafeApi;
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
 * Where the time of a prioritized sample + priority update of 256 goes, and what it would cost if
 * only its memory reads counted: the workload of {@link ReplayBenchmark} (8 features, discrete
 * actions, 64 envs, a full buffer), at beta 1 (reached within the first warm-up iteration) and, in
 * {@link #sampleAndUpdateBelowBetaOne256}, at beta 0.4.
 *
 * <p>The phases are measured cumulatively ({@link #search256}; {@link #searchAndCopy256};
 * {@link #sample256}, which adds the importance weights; {@link #sampleAndUpdate256}), each on
 * fresh draws, so that every phase meets the caches as it does in training; the differences between
 * consecutive rows are the phase costs. (The implementations before the search-line rewrite and
 * before the cheaper update, each kept for a back-to-back comparison while it was made, are in the
 * history of this file; the second, with an alternating same-JVM comparison, at commit bc2ee9d.)
 *
 * <p>Two memory floors: {@link #randomRecordReadFloor256} reads only the 256 sampled records (two
 * cache lines each, as {@link ReplayBenchmark} does); {@link #prioritizedReadFloor256} also reads
 * every line of the sum tree a sample and its update must touch: the search line of each level on
 * the leaf's path, the leaf and its parent's sum and minimum, in blocks laid out
 * as the tree's. All its loads are independent (the addresses come from the leaf, not from a
 * search), so it is a lower bound that no search, whose levels depend on each other, can reach.
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

    /** Stored transitions: 10 000 fits the caches of a small machine, 1 000 000 does not. */
    @Param({"10000", "100000", "1000000"})
    public int capacity;

    private PrioritizedReplayBuffer prioritized;
    /**
     * The same buffer with beta held below 1 (annealed over {@code Long.MAX_VALUE} samples, so it
     * stays at 0.4): the one above reaches beta 1 after 100 000 samples, within the first warm-up
     * iteration, and at beta 1 the weights need no power.
     */
    private PrioritizedReplayBuffer annealing;
    private TransitionBatch batch;
    private UnsafeBuffer floorRecords;
    /** Blocks the size of the tree's: search lines per level (index 0 unused), leaf and parent sums and minimums. */
    private UnsafeBuffer[] floorLines;
    private UnsafeBuffer floorLeafSums;
    private UnsafeBuffer floorParentSums;
    private UnsafeBuffer floorParentMins;
    private final Rng floorRng = new Rng(1);
    private final int[] floorLeaves = new int[BATCH];

    @Setup(Level.Trial)
    public void setUp() {
        ActionSpec action = ActionSpec.discreteIndex();
        ReplayBuffer.Config config = ReplayBuffer.Config.of(capacity, ENVS, OBS_DIM, action).withSeed(1);
        PrioritizedReplayBuffer.Config prioritizedConfig = PrioritizedReplayBuffer.Config.of(config);
        prioritized = new PrioritizedReplayBuffer(prioritizedConfig);
        PrioritizedReplayBuffer.Config annealingConfig = new PrioritizedReplayBuffer.Config(config,
            prioritizedConfig.alpha(), prioritizedConfig.betaStart(), Long.MAX_VALUE, prioritizedConfig.epsilon());
        annealing = new PrioritizedReplayBuffer(annealingConfig);
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
            prioritized.addBatch(ENVS, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
            annealing.addBatch(ENVS, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
        }
        for (int i = 0; i < BATCH; i++) {
            float error = (float) rng.nextGaussian();
            batch.tdErrorsMemory().putFloat(i * 4, error);
        }
        SumTree tree = prioritized.tree();
        floorRecords = touchedBlock((long) prioritized.store().capacity() * FLOOR_RECORD_BYTES);
        floorLines = new UnsafeBuffer[tree.levels()];
        for (int level = 1; level < tree.levels(); level++) {
            floorLines[level] = touchedBlock((long) tree.levelNodes(level) * SumTree.FANOUT * Double.BYTES);
        }
        floorLeafSums = touchedBlock((long) tree.size() * Double.BYTES);
        floorParentSums = touchedBlock((long) tree.levelNodes(1) * Double.BYTES);
        floorParentMins = touchedBlock((long) tree.levelNodes(1) * Double.BYTES);
    }

    private static UnsafeBuffer touchedBlock(long bytes) {
        UnsafeBuffer block = OffHeap.allocate(bytes);
        for (int i = 0; i < block.capacity(); i += 4096) {
            block.putByte(i, (byte) 1);
        }
        return block;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batch.close();
    }

    /** 256 uniform draws, each reading one word of both cache lines of an 80-byte record: the records' floor. */
    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "sample")
    public long randomRecordReadFloor256() {
        int stored = prioritized.size();
        long touched = 0;
        for (int i = 0; i < BATCH; i++) {
            int index = floorRng.nextInt(stored) * FLOOR_RECORD_BYTES;
            touched += floorRecords.getLong(index) + floorRecords.getLong(index + FLOOR_RECORD_BYTES - Long.BYTES);
        }
        return touched;
    }

    /**
     * 256 stratified draws (one leaf from each 1/256 of the leaves, in order, as a prioritized sample
     * over equal priorities gives), reading for each its record's two lines and, in blocks the size
     * of the tree's, the search line of every level on its path, the leaf, and its parent's sum and
     * minimum: the reads of a prioritized sample and update without their arithmetic. One pass per
     * block, each a tight loop of independent loads: the order that keeps the most misses in flight
     * and the fewest pages in use at a time.
     */
    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "sample")
    public long prioritizedReadFloor256() {
        int stored = prioritized.size();
        int[] leaves = floorLeaves;
        for (int i = 0; i < BATCH; i++) {
            leaves[i] = (int) (((long) i * stored + floorRng.nextInt(stored)) / BATCH);
        }
        long touched = 0;
        long records = floorRecords.addressOffset();
        for (int i = 0; i < BATCH; i++) {
            long record = records + (long) leaves[i] * FLOOR_RECORD_BYTES;
            touched += UnsafeApi.getLong(record) + UnsafeApi.getLong(record + FLOOR_RECORD_BYTES - Long.BYTES);
        }
        touched += readPerLeaf(floorLeafSums, leaves, 0, Double.BYTES);
        touched += readPerLeaf(floorParentSums, leaves, 3, Double.BYTES);
        touched += readPerLeaf(floorParentMins, leaves, 3, Double.BYTES);
        for (int level = 1; level < floorLines.length; level++) {
            touched += readPerLeaf(floorLines[level], leaves, 3 * level, SumTree.FANOUT * Double.BYTES);
        }
        return touched;
    }

    /** One word of {@code block} per leaf, at {@code (leaf >>> shift) * stride}. */
    private static long readPerLeaf(UnsafeBuffer block, int[] leaves, int shift, int stride) {
        long base = block.addressOffset();
        long touched = 0;
        for (int i = 0; i < BATCH; i++) {
            touched += UnsafeApi.getLong(base + (long) (leaves[i] >>> shift) * stride);
        }
        return touched;
    }

    /** The stratified masses and the tree searches into the batch's indices. */
    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch search256() {
        prioritized.drawIndices(batch);
        return batch;
    }

    /** {@link #search256} and the copy of the sampled transitions into the batch tensors. */
    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch searchAndCopy256() {
        prioritized.drawIndices(batch);
        prioritized.store().copyTransitionsInto(batch, 1, 0.99f);
        return batch;
    }

    /** A whole prioritized sample: {@link #searchAndCopy256} and the importance weights. */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch sample256() {
        prioritized.sample(batch);
        return batch;
    }

    /**
     * A sample and the priority update from the batch's TD errors: the per-update cost of prioritized
     * replay, next to its parts in one run. The same workload as
     * {@link ReplayBenchmark#prioritizedSampleAndUpdate256}, whose allocation gate covers it.
     */
    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch sampleAndUpdate256() {
        prioritized.sample(batch);
        prioritized.updatePriorities(batch);
        return batch;
    }

    /** {@link #sampleAndUpdate256} with beta held at 0.4 (the weights are powers). */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = BATCH, unit = "sample")
    public TransitionBatch sampleAndUpdateBelowBetaOne256() {
        annealing.sample(batch);
        annealing.updatePriorities(batch);
        return batch;
    }
}

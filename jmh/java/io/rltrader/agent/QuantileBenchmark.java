package io.rltrader.agent;

import io.rltrader.bench.AllocationFree;
import io.rltrader.bench.DenormalCheck;
import io.rltrader.bench.ItemsPerOp;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.util.Rng;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One QR-DQN gradient update at the tutorial's quantile-network scale: batch 64, 51 quantiles,
 * MLP 8-256-256-(3 x 51), quantile Huber loss over 64 x 51 x 51 pairs, clipping, Adam and a Polyak
 * target sync, on a fixed sampled batch (replay sampling is ReplayBenchmark's). The tutorial's
 * autograd version managed 207 updates/s (4.8 ms); the goal is at least 10x that, under 483
 * microseconds, allocating nothing. Its 11 GEMMs alone ({@link #qrDqnUpdateGemmFloor()}, about 54
 * MFLOP) take longer than that on a 2-core machine: there the floor is the bar.
 *
 * <p>The IQN update at the same scale with IqnAgent's default N = N' = 32 sampled fractions and 64
 * cosine features: the layers after the state encoder see B x N = 2048 rows (online, and target),
 * about 1.3 GFLOP of GEMMs per update, so it costs tens of milliseconds. At that length a 500 ms
 * gate iteration holds only a few operations and JMH's own ~5.6 KB per iteration shows up as
 * hundreds of bytes per op (72 B/op with 4 s iterations), so that benchmark's gate has a tolerance;
 * the small IQN update (batch 16, 4 fractions, width 32, Double and prioritized) runs the same code
 * paths thousands of times per iteration and is gated at the default 8 B/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class QuantileBenchmark {
    private static final int OBSERVATIONS = 8;
    private static final int ACTIONS = 3;

    private static final int BATCH = 64;
    private static final int HIDDEN = 256;
    private static final int QUANTILES = 51;
    private static final int OUTPUTS = ACTIONS * QUANTILES;

    private QrDqnAgent qrDqn;
    private IqnAgent iqn;
    private IqnAgent smallIqn;

    private DeviceTensors floor;
    private MlpGemmFloor gemm;

    @Setup(Level.Trial)
    public void setUp() {
        QrDqnAgent.Config config = new QrDqnAgent.Config(new int[] {256, 256}, 51, 1.0, false, 1e-3, 0.99,
            1_000, 64, 0, 1, 1, 1, 0.005, "linear", 1.0, 0.05, 0.3, 0.995, 10.0, 1, false, 0.6, 0.4, 1L);
        qrDqn = new QrDqnAgent(OBSERVATIONS, ACTIONS, config);
        ReferenceBatch.fill(qrDqn.batch(), new Rng(7), ACTIONS);
        IqnAgent.Config iqnConfig = new IqnAgent.Config(new int[] {256, 256}, 64, 32, 32, 32, 1.0, false, 1e-3,
            0.99, 1_000, 64, 0, 1, 1, 1, 0.005, "linear", 1.0, 0.05, 0.3, 0.995, 10.0, 1, false, 0.6, 0.4, 1L);
        iqn = new IqnAgent(OBSERVATIONS, ACTIONS, iqnConfig);
        ReferenceBatch.fill(iqn.batch(), new Rng(7), ACTIONS);
        IqnAgent.Config smallConfig = new IqnAgent.Config(new int[] {32, 32}, 16, 4, 4, 4, 1.0, true, 1e-3, 0.99,
            1_000, 16, 0, 1, 1, 1, 0.005, "linear", 1.0, 0.05, 0.3, 0.995, 10.0, 1, true, 0.6, 0.4, 1L);
        smallIqn = new IqnAgent(OBSERVATIONS, ACTIONS, smallConfig);
        ReferenceBatch.fill(smallIqn.batch(), new Rng(7), ACTIONS);

        // The QR-DQN network 8-256-256-153 with the layers' own layouts.
        floor = new DeviceTensors(ComputeDevice.CPU);
        gemm = new MlpGemmFloor(floor, BATCH, OBSERVATIONS, HIDDEN, OUTPUTS);
    }

    /** Runs on the measuring thread before each iteration: subnormals flushed there (see DenormalCheck). */
    @Setup(Level.Iteration)
    public void flushDenormalsOnMeasuringThread() {
        DenormalCheck.onThisThread("QuantileBenchmark");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        smallIqn.close();
        iqn.close();
        qrDqn.close();
        floor.close();
    }

    /** Targets, loss, hand-written backward, clip, Adam, target sync: one full QR-DQN update. */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = 1, unit = "update")
    public long qrDqnUpdateBatch64Quantiles51Hidden256() {
        qrDqn.update();
        return qrDqn.updates();
    }

    /**
     * The arithmetic floor of {@link #qrDqnUpdateBatch64Quantiles51Hidden256()}: its 11 GEMMs and 3
     * bias GEMVs with the same shapes and transposes (forward of the online and the target network,
     * weight and input gradients), no element-wise work, no loss.
     */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = 1, unit = "update")
    public void qrDqnUpdateGemmFloor() {
        gemm.update();
    }

    /**
     * Fresh fractions, targets, loss, hand-written backward, clip, Adam, target sync: one full IQN
     * update.
     */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = 1, unit = "update")
    public long iqnUpdateBatch64Fractions32Hidden256() {
        iqn.update();
        return iqn.updates();
    }

    /** The same update at a size that runs thousands of times per gate iteration, with Double and prioritized. */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = 1, unit = "update")
    public long iqnUpdateBatch16Fractions4Hidden32DoublePrioritized() {
        smallIqn.update();
        return smallIqn.updates();
    }
}

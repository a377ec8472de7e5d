package io.rltrader.nn;

import io.rltrader.bench.AllocationFree;
import io.rltrader.bench.DenormalCheck;
import io.rltrader.util.Rng;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.Tensor;
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
 * The hand-written network kernel on the CPU, one thread (LibTorch and OpenBLAS at 1 thread, set by
 * {@link NativeRuntime}), denormals flushed: the pieces of one DQN-sized update. The network is the
 * MLP 8-128-128-3 with ReLU at batch 64 that NATIVE.md's measurements use (its four GEMMs alone are
 * ~80 µs there); the layer norm is over 128 features at batch 64, the size it would have after a
 * hidden layer of that MLP; the cross-entropy is over 3 actions. Each must allocate nothing per op:
 * every tensor and view is made in {@link #setUp()}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class KernelBenchmark {
    private static final int BATCH = 64;
    private static final int IN = 8;
    private static final int HIDDEN = 128;
    private static final int ACTIONS = 3;

    private DeviceTensors arena;
    private LayerPass mlpPass;
    private Adam adam;
    private LayerPass normPass;
    private CrossEntropyLoss crossEntropy;

    @Setup(Level.Trial)
    public void setUp() {
        NativeRuntime.init();
        NativeRuntime.flushDenormalsOnThisThread();
        arena = new DeviceTensors(ComputeDevice.CPU);
        Rng rng = new Rng(1);

        ParameterSet.Builder mlpParameters = ParameterSet.builder();
        Sequential mlp = Sequential.mlp(mlpParameters, "q", IN, new int[] {HIDDEN, HIDDEN}, ACTIONS, Activation.RELU,
            Activation.IDENTITY);
        ParameterSet mlpSet = mlpParameters.build(arena, new Rng(2));
        Tensor x = arena.zeros(BATCH, IN);
        fill(x, rng);
        mlpPass = mlp.bind(new Binding(arena, BATCH, true), x, null);
        fill(mlpPass.gradOutput(), rng);
        mlpPass.forward();
        mlpPass.backward(true);
        // A small rate: the benchmark repeats the same gradient millions of times.
        adam = new Adam(mlpSet, Adam.Config.adam(1e-6));

        ParameterSet.Builder normParameters = ParameterSet.builder();
        LayerNorm norm = new LayerNorm(normParameters, "ln", HIDDEN);
        normParameters.build(arena, new Rng(3));
        Tensor h = arena.zeros(BATCH, HIDDEN);
        Tensor gradH = arena.zeros(BATCH, HIDDEN);
        fill(h, rng);
        normPass = norm.bind(new Binding(arena, BATCH, true), h, gradH);
        fill(normPass.gradOutput(), rng);

        Tensor logits = arena.zeros(BATCH, ACTIONS);
        fill(logits, rng);
        Tensor oneHot = arena.zeros(BATCH, ACTIONS);
        int[] targets = new int[BATCH];
        for (int b = 0; b < BATCH; b++) {
            targets[b] = rng.nextInt(ACTIONS);
        }
        CrossEntropyLoss.writeOneHot(arena.host(oneHot), targets, ACTIONS);
        Tensor advantages = arena.zeros(BATCH);
        fill(advantages, rng);
        crossEntropy = new CrossEntropyLoss(arena, logits, oneHot, advantages, arena.zeros(BATCH, ACTIONS), BATCH,
            ACTIONS);
    }

    private void fill(Tensor tensor, Rng rng) {
        int n = (int) tensor.numel();
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) rng.nextGaussian();
        }
        arena.upload(tensor, values, tensor.numel());
    }

    /** Runs on the measuring thread before each iteration: subnormals flushed there (see DenormalCheck). */
    @Setup(Level.Iteration)
    public void flushDenormalsOnMeasuringThread() {
        DenormalCheck.onThisThread("KernelBenchmark");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        adam.close();
        arena.close();
    }

    /** MLP 8-128-128-3, batch 64: forward, then backward into parameter gradients (no input gradient). */
    @Benchmark
    @AllocationFree
    public void mlpForwardBackward() {
        mlpPass.forward();
        mlpPass.backward(true);
    }

    /** One Adam step over that MLP's 18 051 parameters (flat buffers, fixed gradients). */
    @Benchmark
    @AllocationFree
    public void adamStep() {
        adam.step();
    }

    /** LayerNorm over 128 features, batch 64: forward, then backward into gamma, beta and the input gradient. */
    @Benchmark
    @AllocationFree
    public void layerNormForwardBackward() {
        normPass.forward();
        normPass.backward(true);
    }

    /** Advantage-weighted cross-entropy over 3 actions, batch 64: loss, softmax, log-softmax and gradient. */
    @Benchmark
    @AllocationFree
    public void crossEntropyLossAndGradient() {
        crossEntropy.compute();
    }
}

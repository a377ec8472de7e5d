package io.rltrader.agent;

import io.rltrader.bench.AllocationFree;
import io.rltrader.bench.DenormalCheck;
import io.rltrader.memory.ActionSpec;
import io.rltrader.memory.ReplayBuffer;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.NativeConstants;
import io.rltrader.nn.NativeRuntime;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
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
 * SAC at the tutorial's sizes, one thread: an update (uniform sample of 256 from a 100 000-transition
 * replay, then temperature, soft target, twin-critic and actor steps and the Polyak update) with an
 * actor 10-256-256-2 (mean and log std of one action) and two critics 11-256-256-1; a stochastic act
 * for 64 envs in one call; and the update's arithmetic floor: exactly its matrix products (GEMMs and
 * the bias-gradient GEMVs) with the same shapes and transposes, nothing else. The tutorial's
 * SAC-like update (batch 256, DDPG maths, autograd) runs at 118 updates/s, 8.5 ms per update.
 *
 * <p>Bytes per op: the allocation gate counts the benchmark thread's own allocation
 * (WorkerAllocationProfiler); JMH's gc.alloc.rate.norm also counts its own threads, about 11 B per
 * millisecond of operation, which for these updates reads as tens to hundreds of bytes per op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class SacBenchmark {
    private static final int OBS = 10;
    private static final int ACTION = 1;
    private static final int BATCH = 256;
    private static final int HIDDEN = 256;
    private static final int ENVS = 64;
    private static final int CAPACITY = 100_000;

    private SacAgent agent;
    private ReplayBuffer replay;
    private OffPolicyAgent.BoundPolicy policy;
    private UnsafeBuffer actions;
    private DeviceTensors floor;
    private Tensor[] floorProducts;

    @Setup(Level.Trial)
    public void setUp() {
        NativeRuntime.init();
        agent = new SacAgent(OBS, ACTION, SacAgent.Config.defaults().withSeed(1));
        replay = new ReplayBuffer(ReplayBuffer.Config.of(CAPACITY, ENVS, OBS, ActionSpec.continuous(ACTION))
            .withSeed(2));
        fill(replay, new Rng(3));
        UnsafeBuffer observations = OffHeap.allocate((long) ENVS * OBS * Float.BYTES);
        Rng rng = new Rng(4);
        for (int i = 0; i < ENVS * OBS; i++) {
            observations.putFloat(i * 4, (float) rng.nextGaussian());
        }
        actions = OffHeap.allocate((long) ENVS * ACTION * Float.BYTES);
        policy = agent.policy(observations, ENVS);
        floor = new DeviceTensors(ComputeDevice.CPU);
        floorProducts = floorProducts(floor);
    }

    private static void fill(ReplayBuffer replay, Rng rng) {
        UnsafeBuffer obs = OffHeap.allocate(ENVS * OBS * 4L);
        UnsafeBuffer next = OffHeap.allocate(ENVS * OBS * 4L);
        UnsafeBuffer acts = OffHeap.allocate(ENVS * ACTION * 4L);
        UnsafeBuffer rewards = OffHeap.allocate(ENVS * 4L);
        UnsafeBuffer terminated = OffHeap.allocate(ENVS);
        UnsafeBuffer truncated = OffHeap.allocate(ENVS);
        for (int step = 0; step < CAPACITY / ENVS + 1; step++) {
            for (int i = 0; i < ENVS * OBS; i++) {
                obs.putFloat(i * 4, (float) rng.nextGaussian());
                next.putFloat(i * 4, (float) rng.nextGaussian());
            }
            for (int e = 0; e < ENVS; e++) {
                acts.putFloat(e * 4, (float) (2 * rng.nextDouble() - 1));
                rewards.putFloat(e * 4, (float) rng.nextGaussian());
                terminated.putByte(e, (byte) (rng.nextDouble() < 0.01 ? 1 : 0));
            }
            replay.addBatch(ENVS, obs, acts, rewards, next, next, terminated, truncated);
        }
    }

    /**
     * The products of one update as {out, m1, m2} triples ({@code out = m1 @ m2}, a GEMV where m2 is
     * a vector), in the layouts the dense passes use: forward {@code x @ W^T} (a transposed view),
     * weight gradient {@code g^T @ x}, bias gradient {@code g^T @ 1}, input gradient {@code g @ W}.
     */
    private static Tensor[] floorProducts(DeviceTensors arena) {
        List<Tensor> products = new ArrayList<>();
        Tensor ones = arena.full(1.0, BATCH);
        int[] actor = {OBS, HIDDEN, HIDDEN, 2 * ACTION};
        int[] critic = {OBS + ACTION, HIDDEN, HIDDEN, 1};
        // actor on s (trained) and on s' (target); target critics on [s' | a'], twice
        forward(arena, products, actor);
        forward(arena, products, actor);
        forward(arena, products, critic);
        forward(arena, products, critic);
        // critic step, twice: forward, weight and bias gradients of every layer, input gradients but the first
        for (int q = 0; q < 2; q++) {
            forward(arena, products, critic);
            backward(arena, products, ones, critic, true, false);
        }
        // actor loss through both critics: forward and input gradients down to the action
        for (int q = 0; q < 2; q++) {
            forward(arena, products, critic);
            backward(arena, products, ones, critic, false, true);
        }
        // actor backward
        backward(arena, products, ones, actor, true, false);
        return products.toArray(new Tensor[0]);
    }

    private static void forward(DeviceTensors arena, List<Tensor> products, int[] widths) {
        for (int l = 0; l + 1 < widths.length; l++) {
            Tensor weight = arena.zeros(widths[l + 1], widths[l]);
            add(products, arena.zeros(BATCH, widths[l + 1]), arena.zeros(BATCH, widths[l]), arena.own(weight.t()));
        }
    }

    private static void backward(DeviceTensors arena, List<Tensor> products, Tensor ones, int[] widths,
                                 boolean parameters, boolean firstInput) {
        for (int l = widths.length - 2; l >= 0; l--) {
            int in = widths[l];
            int out = widths[l + 1];
            Tensor preGrad = arena.zeros(BATCH, out);
            Tensor preGradT = arena.own(preGrad.t());
            if (parameters) {
                add(products, arena.zeros(out, in), preGradT, arena.zeros(BATCH, in));
                add(products, arena.zeros(out), preGradT, ones);
            }
            if (l > 0 || firstInput) {
                add(products, arena.zeros(BATCH, in), preGrad, arena.zeros(out, in));
            }
        }
    }

    private static void add(List<Tensor> products, Tensor out, Tensor m1, Tensor m2) {
        products.add(out);
        products.add(m1);
        products.add(m2);
    }

    @Benchmark
    @AllocationFree
    public void update() {
        replay.sample(agent.batch());
        agent.update();
    }

    @Benchmark
    @AllocationFree
    public void actStochastic64Envs() {
        policy.act(actions, 1.0);
    }

    /** The arithmetic floor of {@link #update()}: its 45 GEMMs and 9 bias GEMVs alone. */
    @Benchmark
    @AllocationFree
    public void updateGemmFloor() {
        Tensor[] p = floorProducts;
        for (int i = 0; i < p.length; i += 3) {
            if (p[i + 2].dim() == 1) {
                p[i].addmv_(p[i + 1], p[i + 2], NativeConstants.ZERO, NativeConstants.ONE);
            } else {
                p[i].addmm_(p[i + 1], p[i + 2], NativeConstants.ZERO, NativeConstants.ONE);
            }
        }
    }

    /** Runs on the measuring thread before each iteration: subnormals flushed there (see DenormalCheck). */
    @Setup(Level.Iteration)
    public void flushDenormalsOnMeasuringThread() {
        DenormalCheck.onThisThread("SacBenchmark");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        policy.close();
        agent.close();
        floor.close();
    }
}

package io.rltrader.agent;

import io.rltrader.bench.AllocationFree;
import io.rltrader.bench.DenormalCheck;
import io.rltrader.bench.ItemsPerOp;
import io.rltrader.data.CsvLoader;
import io.rltrader.data.DataSources;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.memory.RolloutBuffer;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.NativeConstants;
import io.rltrader.nn.NativeRuntime;
import io.rltrader.train.OnPolicyTrainer;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
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
 * PPO's hot paths with the tutorial's networks (actor and critic MLPs 128-128 ReLU), one thread:
 * <ul>
 *   <li>{@link #collectStep64Envs}: one collection step for 64 envs of the tutorial's discrete env:
 *       actor and critic forward for all rows, sampling in Java, env step, store into the rollout
 *       (the trainer's {@code collectStep}); and {@link #collectForwardGemmFloor}, its six GEMMs
 *       alone. Tutorial: 4.6k env-steps/s, one env at a time.</li>
 *   <li>{@link #update2048Samples10EpochsFullBatch}: one PPO update over a 2048-sample rollout,
 *       10 epochs of one full-batch minibatch (the tutorial's PPOAgent.train), MLP 8-128-128.
 *       Tutorial: 0.16 s.</li>
 *   <li>{@link #updateGemmFloor}: the matrix products of that update alone (forward of both
 *       networks, weight, bias and input gradients, 10 times), its arithmetic floor.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class PpoBenchmark {
    private static final int ENVS = 64;
    private static final int OBS = 8;
    private static final int SAMPLES = 2048;
    private static final int HIDDEN = 128;
    private static final int ACTIONS = 3;
    private static final int EPOCHS = 10;

    private PpoAgent learner;

    private DeviceTensors floor;
    private Tensor[][] floorTensors;

    @Setup(Level.Trial)
    public void setUp() {
        NativeRuntime.init();
        learner = PpoAgent.discrete(OBS, ACTIONS, 1, PpoAgent.Config.tutorial().withSeed(2));
        fillRollout(learner, new Rng(3));

        floor = new DeviceTensors(ComputeDevice.CPU);
        floorTensors = new Tensor[][] {networkFloor(floor, ACTIONS), networkFloor(floor, 1)};
        for (int i = 0; i < 2; i++) {
            update2048Samples10EpochsFullBatch();
        }
    }

    /** A full synthetic rollout (random observations, rewards, episode ends) with its advantages. */
    private static void fillRollout(PpoAgent agent, Rng rng) {
        UnsafeBuffer obs = OffHeap.allocate(OBS * 4L);
        UnsafeBuffer action = OffHeap.allocate(4);
        UnsafeBuffer logProb = OffHeap.allocate(4);
        UnsafeBuffer value = OffHeap.allocate(4);
        UnsafeBuffer reward = OffHeap.allocate(4);
        UnsafeBuffer terminated = OffHeap.allocate(1);
        UnsafeBuffer truncated = OffHeap.allocate(1);
        for (int t = 0; t < SAMPLES; t++) {
            for (int i = 0; i < OBS; i++) {
                obs.putFloat(i * 4, (float) rng.nextGaussian());
            }
            action.putInt(0, rng.nextInt(ACTIONS));
            logProb.putFloat(0, (float) Math.log((1 + rng.nextDouble()) / 6));
            value.putFloat(0, (float) rng.nextGaussian());
            reward.putFloat(0, (float) rng.nextGaussian());
            terminated.putByte(0, (byte) (rng.nextDouble() < 0.005 ? 1 : 0));
            agent.rollout().addStep(obs, action, logProb, value, reward, terminated, truncated, null);
        }
        value.putFloat(0, 0f);
        agent.rollout().computeAdvantagesInPlace(value, agent.gamma(), agent.gaeLambda());
    }

    /**
     * x, then per layer: weight^T, activation, weight gradient, activation gradient; then ones and the
     * bias gradients; then the transposed views of the three activation gradients.
     */
    private static Tensor[] networkFloor(DeviceTensors arena, int out) {
        Tensor[] n = new Tensor[] {
            arena.zeros(SAMPLES, OBS),
            arena.zeros(OBS, HIDDEN), arena.zeros(SAMPLES, HIDDEN), arena.zeros(HIDDEN, OBS),
            arena.zeros(SAMPLES, HIDDEN),
            arena.zeros(HIDDEN, HIDDEN), arena.zeros(SAMPLES, HIDDEN), arena.zeros(HIDDEN, HIDDEN),
            arena.zeros(SAMPLES, HIDDEN),
            arena.zeros(HIDDEN, out), arena.zeros(SAMPLES, out), arena.zeros(out, HIDDEN), arena.zeros(SAMPLES, out),
            arena.zeros(SAMPLES), arena.zeros(HIDDEN), arena.zeros(out), null, null, null};
        n[16] = arena.own(n[12].t());
        n[17] = arena.own(n[8].t());
        n[18] = arena.own(n[4].t());
        return n;
    }

    /**
     * Collection for 64 envs of the tutorial's discrete env with actor and critic MLPs of
     * {@code hidden}-{@code hidden} units (128: the tutorial's networks; 64: SB3's default size).
     */
    @State(Scope.Benchmark)
    public static class Collection {
        @Param({"128", "64"})
        public int hidden;

        DiscreteTradingEnv env;
        PpoAgent agent;
        OnPolicyTrainer trainer;
        RolloutBuffer rollout;
        DeviceTensors floor;
        Tensor[][] forwardFloor;

        @Setup(Level.Trial)
        public void setUp() {
            NativeRuntime.init();
            MarketData data = DataSources.load("builtin:ttrc", CsvLoader.Options.defaults());
            env = new DiscreteTradingEnv(data.asset(0), FeatureMatrix.defaults(data),
                DiscreteTradingEnv.Config.tutorial(ENVS));
            PpoAgent.Config tutorial = PpoAgent.Config.tutorial();
            agent = PpoAgent.discrete(env.observationSize(), ACTIONS, ENVS, new PpoAgent.Config(List.of(hidden, hidden),
                tutorial.activation(), false, tutorial.learningRate(), false, 256, 256, tutorial.nEpochs(),
                tutorial.gamma(), tutorial.gaeLambda(), tutorial.clipRange(), 0, true, tutorial.entCoef(),
                tutorial.vfCoef(), tutorial.maxGradNorm(), 0, 0, tutorial.adamEpsilon(), 1));
            trainer = new OnPolicyTrainer(agent, env);
            rollout = agent.rollout();
            floor = new DeviceTensors(ComputeDevice.CPU);
            int obs = env.observationSize();
            forwardFloor = new Tensor[][] {
                {floor.zeros(ENVS, obs), floor.zeros(obs, hidden), floor.zeros(ENVS, hidden),
                    floor.zeros(hidden, hidden),
                    floor.zeros(ENVS, hidden), floor.zeros(hidden, ACTIONS), floor.zeros(ENVS, ACTIONS)},
                {floor.zeros(ENVS, obs), floor.zeros(obs, hidden), floor.zeros(ENVS, hidden),
                    floor.zeros(hidden, hidden),
                    floor.zeros(ENVS, hidden), floor.zeros(hidden, 1), floor.zeros(ENVS, 1)}};
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            trainer.close();
            agent.close();
            floor.close();
        }
    }

    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = ENVS, unit = "env-step")
    public void collectStep64Envs(Collection c) {
        if (c.rollout.stepsAdded() == c.rollout.config().steps()) {
            c.rollout.reset();
        }
        c.trainer.collectStep();
    }

    /** The floor of {@link #collectStep64Envs}: the six GEMMs of the actor and critic forward for 64 rows. */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = ENVS, unit = "env-step")
    public void collectForwardGemmFloor(Collection c) {
        Scalar zero = NativeConstants.ZERO;
        Scalar one = NativeConstants.ONE;
        for (Tensor[] n : c.forwardFloor) {
            n[2].addmm_(n[0], n[1], zero, one);
            n[4].addmm_(n[2], n[3], zero, one);
            n[6].addmm_(n[4], n[5], zero, one);
        }
    }

    /**
     * One op lasts ~0.1 s, so JMH's gc.alloc.rate.norm (which counts JMH's own threads) reads
     * ~2 KB per op even for {@link #updateGemmFloor}; the allocation gate counts the benchmark
     * thread only, and OnPolicyAllocationTest checks the update exactly (0 bytes).
     */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = SAMPLES * EPOCHS, unit = "sample")
    public void update2048Samples10EpochsFullBatch() {
        learner.update();
    }

    /**
     * The arithmetic floor of {@link #update2048Samples10EpochsFullBatch}: per epoch and network
     * (actor with 3 outputs, critic with 1), 3 forward GEMMs, 3 weight-gradient GEMMs, 2
     * input-gradient GEMMs and 3 bias GEMVs with the same shapes; no element-wise work.
     */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = SAMPLES * EPOCHS, unit = "sample")
    public void updateGemmFloor() {
        Scalar zero = NativeConstants.ZERO;
        Scalar one = NativeConstants.ONE;
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            for (Tensor[] n : floorTensors) {
                n[2].addmm_(n[0], n[1], zero, one);
                n[6].addmm_(n[2], n[5], zero, one);
                n[10].addmm_(n[6], n[9], zero, one);
                n[11].addmm_(n[16], n[6], zero, one);
                n[8].addmm_(n[12], n[11], zero, one);
                n[7].addmm_(n[17], n[2], zero, one);
                n[4].addmm_(n[8], n[7], zero, one);
                n[3].addmm_(n[18], n[0], zero, one);
                n[15].addmv_(n[16], n[13], zero, one);
                n[14].addmv_(n[17], n[13], zero, one);
                n[14].addmv_(n[18], n[13], zero, one);
            }
        }
    }

    /** Runs on the measuring thread before each iteration: subnormals flushed there (see DenormalCheck). */
    @Setup(Level.Iteration)
    public void flushDenormalsOnMeasuringThread() {
        DenormalCheck.onThisThread("PpoBenchmark");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        learner.close();
        floor.close();
    }
}

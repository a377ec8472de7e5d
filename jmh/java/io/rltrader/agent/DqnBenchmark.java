package io.rltrader.agent;

import io.rltrader.bench.AllocationFree;
import io.rltrader.bench.DenormalCheck;
import io.rltrader.data.DataSources;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.env.StepBuffers;
import io.rltrader.memory.ActionSpec;
import io.rltrader.memory.ReplayBuffer;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.NativeRuntime;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The DQN hot paths at the tutorial's sizes, one thread: an update (uniform sample of 64 from a
 * 10 000-transition replay + targets + loss + hand-written backward + clip + Adam) on MLP
 * 8-128-128-3; a greedy act for 64 envs in one call; the tutorial's loop (one act, one env step,
 * one store, one update per iteration on one env); and, as the arithmetic floor of the update, the
 * same GEMM/GEMV calls alone with the same shapes (and those of the act and of the loop). Tutorial: 740 microseconds per update,
 * 1.0k loop iterations/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class DqnBenchmark {
    private static final int OBS = 8;
    private static final int ACTIONS = 3;
    private static final int BATCH = 64;
    private static final int ENVS = 64;
    private static final int HIDDEN = 128;

    private DqnAgent agent;
    private ReplayBuffer replay;
    private ActionValuePolicy policy;
    private UnsafeBuffer actions;

    private DiscreteTradingEnv loopEnv;
    private DqnAgent loopAgent;
    private ReplayBuffer loopReplay;
    private ActionValuePolicy loopPolicy;
    private UnsafeBuffer loopPrevious;
    private int loopObsBytes;

    private DeviceTensors floor;
    private MlpGemmFloor gemm;
    private MlpGemmFloor loopGemm;

    @Setup(Level.Trial)
    public void setUp() {
        NativeRuntime.init();
        DqnAgent.Config config = DqnAgent.Config.tutorial().withSeed(1);
        agent = new DqnAgent(OBS, ACTIONS, config);
        replay = new ReplayBuffer(ReplayBuffer.Config.of(10_000, ENVS, OBS, ActionSpec.discreteIndex()).withSeed(2));
        fill(replay, new Rng(3));
        UnsafeBuffer observations = OffHeap.allocate((long) ENVS * OBS * Float.BYTES);
        Rng rng = new Rng(4);
        for (int i = 0; i < ENVS * OBS; i++) {
            observations.putFloat(i * 4, (float) rng.nextGaussian());
        }
        actions = OffHeap.allocate((long) ENVS * Integer.BYTES);
        policy = agent.policy(observations, ENVS);

        MarketData data = DataSources.load("builtin:ttrc", io.rltrader.data.CsvLoader.Options.defaults());
        FeatureMatrix features = FeatureMatrix.defaults(data);
        loopEnv = new DiscreteTradingEnv(data.asset(0), features, DiscreteTradingEnv.Config.tutorial(1));
        loopEnv.reset();
        StepBuffers buffers = loopEnv.buffers();
        loopAgent = new DqnAgent(buffers.observationSize(), ACTIONS, config);
        loopReplay = new ReplayBuffer(ReplayBuffer.Config.of(10_000, 1, buffers.observationSize(),
            ActionSpec.discreteIndex()).withSeed(5));
        loopPolicy = loopAgent.policy(buffers.observations(), 1);
        loopObsBytes = buffers.observationSize() * Float.BYTES;
        loopPrevious = OffHeap.allocate(loopObsBytes);
        for (int i = 0; i < 200; i++) {
            tutorialIteration();
        }

        floor = new DeviceTensors(ComputeDevice.CPU);
        gemm = new MlpGemmFloor(floor, BATCH, OBS, HIDDEN, ACTIONS);
        loopGemm = new MlpGemmFloor(floor, BATCH, buffers.observationSize(), HIDDEN, ACTIONS);
    }

    private static void fill(ReplayBuffer replay, Rng rng) {
        UnsafeBuffer obs = OffHeap.allocate(ENVS * OBS * 4L);
        UnsafeBuffer next = OffHeap.allocate(ENVS * OBS * 4L);
        UnsafeBuffer acts = OffHeap.allocate(ENVS * 4L);
        UnsafeBuffer rewards = OffHeap.allocate(ENVS * 4L);
        UnsafeBuffer terminated = OffHeap.allocate(ENVS);
        UnsafeBuffer truncated = OffHeap.allocate(ENVS);
        for (int step = 0; step < 10_000 / ENVS + 1; step++) {
            for (int i = 0; i < ENVS * OBS; i++) {
                obs.putFloat(i * 4, (float) rng.nextGaussian());
                next.putFloat(i * 4, (float) rng.nextGaussian());
            }
            for (int e = 0; e < ENVS; e++) {
                acts.putInt(e * 4, rng.nextInt(ACTIONS));
                rewards.putFloat(e * 4, (float) rng.nextGaussian());
                terminated.putByte(e, (byte) (rng.nextDouble() < 0.01 ? 1 : 0));
            }
            replay.addBatch(ENVS, obs, acts, rewards, next, next, terminated, truncated);
        }
    }

    @Benchmark
    @AllocationFree
    public void update() {
        replay.sample(agent.batch());
        agent.update();
    }

    @Benchmark
    @AllocationFree
    public void greedyAct64Envs() {
        policy.act(actions, 0.0);
    }

    @Benchmark
    @AllocationFree
    public void tutorialLoopIteration() {
        tutorialIteration();
    }

    /** The tutorial loop without its update: one act, one env step, one store (parts of the gated loop: not gated again). */
    @Benchmark
    public void tutorialLoopCollect() {
        StepBuffers buffers = loopEnv.buffers();
        loopPolicy.act(buffers.actions(), 0.1);
        loopPrevious.putBytes(0, buffers.observations(), 0, loopObsBytes);
        loopEnv.step();
        loopReplay.addBatch(1, loopPrevious, buffers.actions(), buffers.rewards(), buffers.observations(),
            buffers.finalObservations(), buffers.terminated(), buffers.truncated());
    }

    /** The tutorial loop's act alone (one env, epsilon 0.1). */
    @Benchmark
    public void tutorialLoopAct() {
        loopPolicy.act(loopEnv.buffers().actions(), 0.1);
    }

    /** The tutorial loop's update alone: sample 64 from its replay and one update at its observation size. */
    @Benchmark
    public void tutorialLoopUpdate() {
        loopReplay.sample(loopAgent.batch());
        loopAgent.update();
    }

    private void tutorialIteration() {
        tutorialLoopCollect();
        if (loopReplay.size() >= BATCH) {
            loopReplay.sample(loopAgent.batch());
            loopAgent.update();
        }
    }

    /** The arithmetic floor of {@link #update()}: its GEMMs and bias GEMVs with the same shapes, no element-wise work. */
    @Benchmark
    @AllocationFree
    public void updateGemmFloor() {
        gemm.update();
    }

    /** The arithmetic floor of {@link #greedyAct64Envs()}: the forward pass's three GEMMs alone. */
    @Benchmark
    @AllocationFree
    public void greedyActGemmFloor() {
        gemm.act();
    }

    /**
     * The arithmetic floor of {@link #tutorialLoopIteration()}: the update's GEMMs at the loop's
     * observation size and the act's three GEMVs for one env.
     */
    @Benchmark
    @AllocationFree
    public void tutorialLoopGemmFloor() {
        loopGemm.actOneRow();
        loopGemm.update();
    }

    /** Runs on the measuring thread before each iteration: subnormals flushed there (see DenormalCheck). */
    @Setup(Level.Iteration)
    public void flushDenormalsOnMeasuringThread() {
        DenormalCheck.onThisThread("DqnBenchmark");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        policy.close();
        loopPolicy.close();
        agent.close();
        loopAgent.close();
        floor.close();
    }
}

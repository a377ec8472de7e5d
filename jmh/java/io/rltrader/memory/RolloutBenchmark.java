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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * On-policy rollout costs for a PPO-sized rollout of T=128 steps x N=64 envs, 8-feature
 * observations, discrete actions, one thread: GAE over the whole rollout once per update, and one
 * epoch of minibatch iteration (16 minibatches of 512) into the preallocated tensors.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class RolloutBenchmark {
    private static final int STEPS = 128;
    private static final int ENVS = 64;
    private static final int OBS_DIM = 8;
    private static final int MINIBATCH = 512;

    private RolloutBuffer rollout;
    private RolloutMinibatch minibatch;
    private UnsafeBuffer lastValues;

    @Setup(Level.Trial)
    public void setUp() {
        ActionSpec action = ActionSpec.discreteIndex();
        rollout = new RolloutBuffer(new RolloutBuffer.Config(STEPS, ENVS, OBS_DIM, action, MINIBATCH, 3));
        minibatch = new RolloutMinibatch(MINIBATCH, OBS_DIM, action);
        UnsafeBuffer obs = OffHeap.allocate(ENVS * OBS_DIM * 4L);
        UnsafeBuffer actions = OffHeap.allocate(ENVS * 4L);
        UnsafeBuffer logProbs = OffHeap.allocate(ENVS * 4L);
        UnsafeBuffer values = OffHeap.allocate(ENVS * 4L);
        UnsafeBuffer rewards = OffHeap.allocate(ENVS * 4L);
        UnsafeBuffer terminated = OffHeap.allocate(ENVS);
        UnsafeBuffer truncated = OffHeap.allocate(ENVS);
        UnsafeBuffer finalValues = OffHeap.allocate(ENVS * 4L);
        lastValues = OffHeap.allocate(ENVS * 4L);
        Rng rng = new Rng(5);
        for (int t = 0; t < STEPS; t++) {
            for (int env = 0; env < ENVS; env++) {
                for (int f = 0; f < OBS_DIM; f++) {
                    obs.putFloat((env * OBS_DIM + f) * 4, (float) rng.nextGaussian());
                }
                actions.putInt(env * 4, rng.nextInt(3));
                logProbs.putFloat(env * 4, (float) -rng.nextDouble());
                values.putFloat(env * 4, (float) rng.nextGaussian());
                rewards.putFloat(env * 4, (float) rng.nextGaussian());
                double u = rng.nextDouble();
                terminated.putByte(env, (byte) (u < 0.01 ? 1 : 0));
                truncated.putByte(env, (byte) (u >= 0.01 && u < 0.02 ? 1 : 0));
                finalValues.putFloat(env * 4, (float) rng.nextGaussian());
                lastValues.putFloat(env * 4, (float) rng.nextGaussian());
            }
            rollout.addStep(obs, actions, logProbs, values, rewards, terminated, truncated, finalValues);
        }
        rollout.computeAdvantagesInPlace(lastValues, 0.99f, 0.95f);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        minibatch.close();
        rollout.close();
    }

    /** GAE(0.99, 0.95) and returns over 128 x 64 samples: once per PPO update. */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = STEPS * ENVS, unit = "sample")
    public RolloutBuffer gae128x64() {
        rollout.computeAdvantagesInPlace(lastValues, 0.99f, 0.95f);
        return rollout;
    }

    /** One epoch: shuffle 8192 indices and copy 16 minibatches of 512 into the minibatch tensors. */
    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = STEPS * ENVS, unit = "sample")
    public int minibatchEpoch128x64() {
        rollout.startEpoch();
        int minibatches = 0;
        while (rollout.nextMinibatch(minibatch)) {
            minibatches++;
        }
        return minibatches;
    }
}

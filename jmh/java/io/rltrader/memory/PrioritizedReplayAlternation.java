package io.rltrader.memory;

import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A before/after comparison of a prioritized sample + update of 256 that survives a shared
 * machine: {@link PrioritizedReplayBuffer} and {@link FrozenPrioritizedReplayBuffer} (the
 * implementation before this change), filled identically as in {@link PrioritizedReplayBreakdownBenchmark},
 * timed in one JVM in alternating batches of 2000 operations (the order flips every round), so
 * that both meet the same load; JMH runs benchmarks one after the other, minutes apart, and on
 * this machine the load of other work moved single figures by 30% between them. Prints per
 * variant the fastest, first-quartile and median batch and the median of the per-round ratios.
 *
 * <p>{@code java ... io.rltrader.memory.PrioritizedReplayAlternation CAPACITY ROUNDS}
 */
public final class PrioritizedReplayAlternation {
    private static final int ENVS = 64;
    private static final int OBS_DIM = 8;
    private static final int BATCH = 256;
    private static final int OPS_PER_BATCH = 2000;

    private PrioritizedReplayAlternation() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: PrioritizedReplayAlternation CAPACITY ROUNDS");
            System.exit(2);
        }
        int capacity = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        ActionSpec action = ActionSpec.discreteIndex();
        ReplayBuffer.Config replay = ReplayBuffer.Config.of(capacity, ENVS, OBS_DIM, action).withSeed(1);
        PrioritizedReplayBuffer.Config annealed = PrioritizedReplayBuffer.Config.of(replay);
        PrioritizedReplayBuffer.Config belowOne = new PrioritizedReplayBuffer.Config(replay, annealed.alpha(),
            annealed.betaStart(), Long.MAX_VALUE, annealed.epsilon());
        PrioritizedReplayBuffer current = new PrioritizedReplayBuffer(annealed);
        FrozenPrioritizedReplayBuffer frozen = new FrozenPrioritizedReplayBuffer(annealed);
        PrioritizedReplayBuffer currentBelowOne = new PrioritizedReplayBuffer(belowOne);
        FrozenPrioritizedReplayBuffer frozenBelowOne = new FrozenPrioritizedReplayBuffer(belowOne);
        TransitionSink[] sinks = {current, frozen, currentBelowOne, frozenBelowOne};
        fill(capacity, sinks);
        TransitionBatch[] batches = new TransitionBatch[4];
        Rng errors = new Rng(11);
        for (int k = 0; k < 4; k++) {
            batches[k] = new TransitionBatch(BATCH, OBS_DIM, action);
        }
        for (int i = 0; i < BATCH; i++) {
            float error = (float) errors.nextGaussian();
            for (TransitionBatch batch : batches) {
                batch.tdErrorsMemory().putFloat(i * Float.BYTES, error);
            }
        }
        String[] names = {"current, beta 1", "frozen, beta 1", "current, beta 0.4", "frozen, beta 0.4"};
        Runnable[] ops = {
            () -> { current.sample(batches[0]); current.updatePriorities(batches[0]); },
            () -> { frozen.sample(batches[1]); frozen.updatePriorities(batches[1]); },
            () -> { currentBelowOne.sample(batches[2]); currentBelowOne.updatePriorities(batches[2]); },
            () -> { frozenBelowOne.sample(batches[3]); frozenBelowOne.updatePriorities(batches[3]); },
        };
        // warm-up: past the 100 000 samples over which the annealed buffers reach beta 1
        for (int warm = 0; warm < 60; warm++) {
            for (Runnable op : ops) {
                runBatch(op);
            }
        }
        double[][] micros = new double[ops.length][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int j = 0; j < ops.length; j++) {
                int k = (round & 1) == 0 ? j : ops.length - 1 - j;
                micros[k][round] = runBatch(ops[k]);
            }
        }
        System.out.printf("capacity %d, %d rounds of %d ops per variant%n", capacity, rounds, OPS_PER_BATCH);
        for (int k = 0; k < ops.length; k++) {
            double[] sorted = micros[k].clone();
            Arrays.sort(sorted);
            System.out.printf("  %-18s min %6.2f  p25 %6.2f  median %6.2f us%n", names[k], sorted[0],
                sorted[rounds / 4], sorted[rounds / 2]);
        }
        for (int k = 0; k < ops.length; k += 2) {
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                ratios[round] = micros[k][round] / micros[k + 1][round];
            }
            Arrays.sort(ratios);
            System.out.printf("  %s / %s: median %.3f (quartiles %.3f, %.3f)%n", names[k], names[k + 1],
                ratios[rounds / 2], ratios[rounds / 4], ratios[3 * rounds / 4]);
        }
    }

    private static double runBatch(Runnable op) {
        long start = System.nanoTime();
        for (int i = 0; i < OPS_PER_BATCH; i++) {
            op.run();
        }
        return (System.nanoTime() - start) / 1e3 / OPS_PER_BATCH;
    }

    private static void fill(int capacity, TransitionSink[] sinks) {
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
            for (TransitionSink sink : sinks) {
                sink.addBatch(ENVS, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
            }
        }
    }
}

package io.rltrader.memory;

import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A stand-in for the vectorized env: N envs with random episode ends, exposing the step buffers of
 * the env contract (native order, structure of arrays) and keeping every transition per env, in
 * order, for reference computations.
 *
 * <p>Observation features identify a transition: [0] env + 1, [1] episode id (from 1), [2] step in
 * the episode, [3] the env's row (step count since start); the rest are random. An all-zero
 * observation therefore means "never written".
 */
final class VecEnvFixture {
    record Transition(int env, float[] obs, int discreteAction, float[] continuousAction, float reward,
            float[] nextObs, boolean terminated, boolean truncated) {
    }

    final int numEnvs;
    final int obsDim;
    final ActionSpec action;
    final UnsafeBuffer obs;
    final UnsafeBuffer actions;
    final UnsafeBuffer rewards;
    final UnsafeBuffer nextObs;
    final UnsafeBuffer finalObs;
    final UnsafeBuffer terminated;
    final UnsafeBuffer truncated;
    final List<List<Transition>> history = new ArrayList<>();

    private final Rng rng;
    private final double terminateProbability;
    private final double truncateProbability;
    private final float[][] current;
    private int nextEpisodeId = 1;
    private int rows;

    VecEnvFixture(int numEnvs, int obsDim, ActionSpec action, long seed, double terminateProbability,
            double truncateProbability) {
        if (obsDim < 4) {
            throw new IllegalArgumentException("fixture observations need at least 4 features");
        }
        this.numEnvs = numEnvs;
        this.obsDim = obsDim;
        this.action = action;
        this.rng = new Rng(seed);
        this.terminateProbability = terminateProbability;
        this.truncateProbability = truncateProbability;
        obs = OffHeap.allocate((long) numEnvs * obsDim * 4);
        actions = OffHeap.allocate((long) numEnvs * action.bytes());
        rewards = OffHeap.allocate(numEnvs * 4L);
        nextObs = OffHeap.allocate((long) numEnvs * obsDim * 4);
        finalObs = OffHeap.allocate((long) numEnvs * obsDim * 4);
        terminated = OffHeap.allocate(numEnvs);
        truncated = OffHeap.allocate(numEnvs);
        current = new float[numEnvs][];
        for (int env = 0; env < numEnvs; env++) {
            current[env] = observation(env, nextEpisodeId++, 0, 0);
            history.add(new ArrayList<>());
        }
    }

    private float[] observation(int env, int episode, int stepInEpisode, int row) {
        float[] o = new float[obsDim];
        o[0] = env + 1;
        o[1] = episode;
        o[2] = stepInEpisode;
        o[3] = row;
        for (int f = 4; f < obsDim; f++) {
            o[f] = (float) rng.nextGaussian();
        }
        return o;
    }

    /** One env step for all envs: fills the step buffers, as the env and the training loop would. */
    void step() {
        for (int env = 0; env < numEnvs; env++) {
            float[] before = current[env];
            put(obs, env, before);
            int discrete = rng.nextInt(3);
            float[] continuous = new float[action.dim()];
            if (action.discrete()) {
                actions.putInt(env * 4, discrete);
            } else {
                for (int c = 0; c < continuous.length; c++) {
                    continuous[c] = (float) rng.nextGaussian();
                    actions.putFloat((env * action.dim() + c) * 4, continuous[c]);
                }
            }
            float reward = (float) rng.nextGaussian();
            rewards.putFloat(env * 4, reward);
            boolean term = rng.nextDouble() < terminateProbability;
            boolean trunc = !term && rng.nextDouble() < truncateProbability;
            terminated.putByte(env, (byte) (term ? 1 : 0));
            truncated.putByte(env, (byte) (trunc ? 1 : 0));
            float[] successor = observation(env, (int) before[1], (int) before[2] + 1, rows + 1);
            float[] recordedNext;
            if (term || trunc) {
                put(finalObs, env, successor);
                recordedNext = successor;
                current[env] = observation(env, nextEpisodeId++, 0, rows + 1);
            } else {
                for (int f = 0; f < obsDim; f++) {
                    finalObs.putFloat((env * obsDim + f) * 4, Float.NaN);
                }
                recordedNext = successor;
                current[env] = successor;
            }
            put(nextObs, env, current[env]);
            history.get(env).add(new Transition(env, before, discrete, continuous, reward, recordedNext, term, trunc));
        }
        rows++;
    }

    void stepInto(TransitionSink sink, int steps) {
        for (int s = 0; s < steps; s++) {
            step();
            sink.addBatch(numEnvs, obs, actions, rewards, nextObs, finalObs, terminated, truncated);
        }
    }

    int rows() {
        return rows;
    }

    private void put(UnsafeBuffer buffer, int env, float[] values) {
        for (int f = 0; f < obsDim; f++) {
            buffer.putFloat((env * obsDim + f) * 4, values[f]);
        }
    }
}

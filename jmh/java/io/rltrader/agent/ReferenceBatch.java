package io.rltrader.agent;

import io.rltrader.memory.TransitionBatch;
import io.rltrader.util.Rng;

/** A sampled batch with plausible contents for update benchmarks: Gaussian observations and rewards. */
final class ReferenceBatch {
    private ReferenceBatch() {
    }

    static void fill(TransitionBatch batch, Rng rng, int actions) {
        for (int i = 0; i < batch.size() * batch.obsDim(); i++) {
            batch.observationsMemory().putFloat(i * 4, (float) rng.nextGaussian());
            batch.nextObservationsMemory().putFloat(i * 4, (float) rng.nextGaussian());
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.actionsMemory().putLong(i * 8, rng.nextInt(actions));
            batch.rewardsMemory().putFloat(i * 4, (float) rng.nextGaussian());
            batch.discountsMemory().putFloat(i * 4, rng.nextDouble() < 0.05 ? 0f : 0.99f);
            batch.weightsMemory().putFloat(i * 4, 1f);
        }
    }
}

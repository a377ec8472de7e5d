package io.rltrader.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.rltrader.util.OffHeap;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** {@link RolloutBuffer#reseedShuffle}: the sample order after a reseed depends only on the seed. */
class RolloutBufferShuffleTest {
    private static final int STEPS = 4;
    private static final int ENVS = 3;

    @Test
    void reseedingMakesTheOrderAFunctionOfTheSeedAlone() {
        try (RolloutBuffer fresh = filled(1); RolloutBuffer used = filled(2);
             RolloutMinibatch minibatch = new RolloutMinibatch(STEPS * ENVS, 1, ActionSpec.discreteIndex())) {
            // Advance one buffer's shuffling stream and permutation first.
            for (int epoch = 0; epoch < 3; epoch++) {
                used.startEpoch();
                used.nextMinibatch(minibatch);
            }
            fresh.reseedShuffle(42);
            used.reseedShuffle(42);
            float[] a = order(fresh, minibatch);
            float[] b = order(used, minibatch);
            assertArrayEquals(a, b);
            fresh.reseedShuffle(43);
            assertFalse(Arrays.equals(a, order(fresh, minibatch)), "another seed, another order");
        }
    }

    /** Observation i is the float i, so the minibatch's observations spell the order. */
    private static RolloutBuffer filled(long seed) {
        RolloutBuffer buffer = new RolloutBuffer(new RolloutBuffer.Config(STEPS, ENVS, 1, ActionSpec.discreteIndex(),
            STEPS * ENVS, seed));
        UnsafeBuffer obs = OffHeap.allocate(ENVS * 4L);
        UnsafeBuffer zeros = OffHeap.allocate(ENVS * 4L);
        UnsafeBuffer flags = OffHeap.allocate(ENVS);
        for (int t = 0; t < STEPS; t++) {
            for (int e = 0; e < ENVS; e++) {
                obs.putFloat(e * 4, t * ENVS + e);
            }
            buffer.addStep(obs, zeros, zeros, zeros, zeros, flags, flags, null);
        }
        buffer.computeAdvantagesInPlace(zeros, 0.9f, 0.9f);
        return buffer;
    }

    private static float[] order(RolloutBuffer buffer, RolloutMinibatch minibatch) {
        buffer.startEpoch();
        buffer.nextMinibatch(minibatch);
        float[] out = new float[STEPS * ENVS];
        for (int i = 0; i < out.length; i++) {
            out[i] = minibatch.observation(i, 0);
        }
        return out;
    }
}

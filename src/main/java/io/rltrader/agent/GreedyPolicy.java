package io.rltrader.agent;

import io.rltrader.util.Rng;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Epsilon-greedy action choice over a host-readable [rows, actions] float32 table of action values,
 * written as int32 actions: in Java, because for a handful of actions a loop over off-heap memory is
 * far cheaper than a native argmax call, and it allocates nothing. Ties go to the lowest index, as
 * {@code torch.argmax}.
 */
final class GreedyPolicy {
    private GreedyPolicy() {
    }

    static void act(UnsafeBuffer values, int rows, int actions, UnsafeBuffer out, double epsilon, Rng rng) {
        for (int row = 0; row < rows; row++) {
            int action;
            if (epsilon > 0 && rng.nextDouble() < epsilon) {
                action = rng.nextInt(actions);
            } else {
                action = argmax(values, row * actions, actions);
            }
            out.putInt(row * Integer.BYTES, action);
        }
    }

    static int argmax(UnsafeBuffer values, int first, int count) {
        int best = 0;
        float bestValue = values.getFloat(first * Float.BYTES);
        for (int a = 1; a < count; a++) {
            float v = values.getFloat((first + a) * Float.BYTES);
            if (v > bestValue) {
                bestValue = v;
                best = a;
            }
        }
        return best;
    }
}

package io.rltrader.nn;

import io.rltrader.util.UserInputException;

/**
 * A value as a function of a step count: learning rates, exploration rates, temperatures. Pure
 * arithmetic on primitives, so evaluating it on a hot path allocates nothing.
 */
@FunctionalInterface
public interface Schedule {
    double at(long step);

    static Schedule constant(double value) {
        return step -> value;
    }

    /** From {@code start} to {@code end} linearly over {@code steps}, then {@code end} (SB3's exploration). */
    static Schedule linear(double start, double end, long steps) {
        if (steps <= 0) {
            throw new UserInputException("linear schedule needs a positive number of steps, got " + steps);
        }
        return step -> step >= steps ? end : start + (end - start) * ((double) step / steps);
    }

    /** {@code max(end, start * decay^step)}: the tutorial's epsilon decay (per episode there). */
    static Schedule exponential(double start, double end, double decay) {
        if (!(decay > 0 && decay <= 1)) {
            throw new UserInputException("exponential schedule decay must be in (0, 1], got " + decay);
        }
        double logDecay = Math.log(decay);
        return step -> Math.max(end, start * Math.exp(logDecay * step));
    }

    /** Cosine annealing from {@code start} to {@code end} over {@code steps}, then {@code end}. */
    static Schedule cosine(double start, double end, long steps) {
        if (steps <= 0) {
            throw new UserInputException("cosine schedule needs a positive number of steps, got " + steps);
        }
        return step -> step >= steps ? end
            : end + 0.5 * (start - end) * (1 + Math.cos(Math.PI * step / steps));
    }
}

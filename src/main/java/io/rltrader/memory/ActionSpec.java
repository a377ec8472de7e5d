package io.rltrader.memory;

import io.rltrader.util.UserInputException;

/**
 * What an action is, as the memory stores it: one int32 index per env (discrete) or a float32 vector
 * of {@code dim} per env (continuous). Both take 4 bytes per component, so a stored action is
 * {@link #bytes()} bytes either way.
 */
public record ActionSpec(boolean discrete, int dim) {
    public ActionSpec {
        if (dim <= 0) {
            throw new UserInputException("action dimension must be positive, got " + dim);
        }
        if (discrete && dim != 1) {
            throw new UserInputException("a discrete action is one int32 index, got dimension " + dim);
        }
    }

    /** One int32 action index per env. */
    public static ActionSpec discreteIndex() {
        return new ActionSpec(true, 1);
    }

    /** A float32 vector of {@code dim} per env. */
    public static ActionSpec continuous(int dim) {
        return new ActionSpec(false, dim);
    }

    /** Bytes one stored action takes. */
    public int bytes() {
        return dim * Float.BYTES;
    }
}

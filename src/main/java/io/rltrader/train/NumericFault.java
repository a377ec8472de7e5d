package io.rltrader.train;

import io.rltrader.util.UserInputException;

/**
 * Training stopped because a loss or a gradient norm was NaN or infinite; the message names the
 * update, the quantity and (from {@link Training}) the last good checkpoint. Training on would only
 * spread the fault into every weight.
 */
public final class NumericFault extends UserInputException {
    public NumericFault(String message) {
        super(message);
    }

    /** The fault of update {@code update} at {@code transition}: {@code term} is what was not finite. */
    static NumericFault at(long update, long transition, String term) {
        return new NumericFault("training stopped at update " + update + " (transition " + transition + "): the "
            + term + "; lower the learning rate, clip gradients (maxGradNorm) or check the data for extreme values");
    }
}

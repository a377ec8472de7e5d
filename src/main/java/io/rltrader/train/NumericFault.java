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
}

package io.rltrader.nn;

import java.util.Locale;

/** Element-wise nonlinearity fused into a {@link Dense} layer. */
public enum Activation {
    IDENTITY,
    RELU,
    TANH,
    /** ELU with alpha = 1. */
    ELU;

    public static Activation parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new io.rltrader.util.UserInputException("activation '" + name
                + "': expected one of identity, relu, tanh, elu");
        }
    }
}

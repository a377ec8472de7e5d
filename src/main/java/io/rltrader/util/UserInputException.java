package io.rltrader.util;

/**
 * An error the user can fix: a bad file, flag, config or checkpoint. The message names the input,
 * the place (file:line, flag, key) and what was expected, and is meant to be shown as one line
 * without a stack trace.
 */
public class UserInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}

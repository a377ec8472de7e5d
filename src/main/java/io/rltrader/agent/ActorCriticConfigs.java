package io.rltrader.agent;

import io.rltrader.util.UserInputException;
import java.util.List;

/** Validation shared by the configs of the continuous actor-critic agents (SAC, TD3). */
final class ActorCriticConfigs {
    private ActorCriticConfigs() {
    }

    static void require(String algorithm, boolean ok, String field, String message) {
        if (!ok) {
            throw new UserInputException(algorithm + " config " + field + ": " + message);
        }
    }

    /** The settings every off-policy actor-critic shares, with SB3's names. */
    static void requireCommon(String algorithm, List<Integer> hidden, double learningRate, double gamma,
                              int bufferSize, int batchSize, int learningStarts, int trainFrequency,
                              int gradientSteps, double tau) {
        require(algorithm, hidden != null && !hidden.isEmpty(), "hidden", "needs at least one hidden layer");
        for (Integer width : hidden) {
            require(algorithm, width != null && width > 0, "hidden", "widths must be positive, got " + hidden);
        }
        require(algorithm, learningRate > 0 && Double.isFinite(learningRate), "learningRate",
            "must be > 0, got " + learningRate);
        require(algorithm, gamma >= 0 && gamma <= 1, "gamma", "must be in [0, 1], got " + gamma);
        require(algorithm, bufferSize > 0, "bufferSize", "must be > 0, got " + bufferSize);
        require(algorithm, batchSize > 0, "batchSize", "must be > 0, got " + batchSize);
        require(algorithm, batchSize <= bufferSize, "batchSize", "must not exceed bufferSize " + bufferSize);
        require(algorithm, learningStarts >= 0, "learningStarts", "must be >= 0, got " + learningStarts);
        require(algorithm, trainFrequency > 0, "trainFrequency", "must be > 0, got " + trainFrequency);
        require(algorithm, gradientSteps > 0, "gradientSteps", "must be > 0, got " + gradientSteps);
        require(algorithm, tau > 0 && tau <= 1, "tau", "must be in (0, 1], got " + tau);
    }

    static int[] widths(List<Integer> hidden) {
        return hidden.stream().mapToInt(Integer::intValue).toArray();
    }
}

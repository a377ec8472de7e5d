package io.rltrader.agent;

import io.rltrader.nn.Schedule;
import io.rltrader.util.UserInputException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/**
 * Validation and description shared by the value-based agents' {@code Config} records: the
 * replay, target-network, exploration and optimizer fields they all have, checked with one message
 * format ({@code "<agent> config <field>: <what was expected>"}).
 */
final class ConfigChecks {
    private ConfigChecks() {
    }

    static void require(String agent, boolean ok, String field, String message) {
        if (!ok) {
            throw new UserInputException(agent + " config " + field + ": " + message);
        }
    }

    static void requirePositiveWidths(String agent, String field, int[] widths) {
        for (int width : widths) {
            require(agent, width > 0, field, "widths must be positive, got " + Arrays.toString(widths));
        }
    }

    /** The fields every off-policy value agent shares (see {@link DqnAgent.Config} for their meaning). */
    static void offPolicy(String agent, double learningRate, double gamma, int bufferSize, int batchSize,
                          int learningStarts, int trainFrequency, int gradientSteps, int targetUpdateInterval,
                          double tau, String exploration, double epsilonStart, double epsilonEnd,
                          double explorationFraction, double epsilonDecay, double maxGradNorm, int nStep,
                          double priorityAlpha, double priorityBetaStart) {
        require(agent, learningRate > 0 && Double.isFinite(learningRate), "learningRate", "must be > 0, got " + learningRate);
        require(agent, gamma >= 0 && gamma <= 1, "gamma", "must be in [0, 1], got " + gamma);
        require(agent, bufferSize > 0, "bufferSize", "must be > 0, got " + bufferSize);
        require(agent, batchSize > 0, "batchSize", "must be > 0, got " + batchSize);
        require(agent, batchSize <= bufferSize, "batchSize", "must not exceed bufferSize " + bufferSize);
        require(agent, learningStarts >= 0, "learningStarts", "must be >= 0, got " + learningStarts);
        require(agent, trainFrequency > 0, "trainFrequency", "must be > 0, got " + trainFrequency);
        require(agent, gradientSteps > 0, "gradientSteps", "must be > 0, got " + gradientSteps);
        require(agent, targetUpdateInterval > 0, "targetUpdateInterval", "must be > 0, got " + targetUpdateInterval);
        require(agent, tau > 0 && tau <= 1, "tau", "must be in (0, 1], got " + tau);
        require(agent, "linear".equals(exploration) || "exponential".equals(exploration), "exploration",
            "must be linear or exponential, got " + exploration);
        require(agent, epsilonStart >= 0 && epsilonStart <= 1 && epsilonEnd >= 0 && epsilonEnd <= 1,
            "epsilonStart/epsilonEnd", "must be in [0, 1]");
        require(agent, explorationFraction > 0 && explorationFraction <= 1, "explorationFraction",
            "must be in (0, 1], got " + explorationFraction);
        require(agent, epsilonDecay > 0 && epsilonDecay <= 1, "epsilonDecay", "must be in (0, 1], got " + epsilonDecay);
        require(agent, maxGradNorm >= 0, "maxGradNorm", "must be >= 0 (0 disables clipping), got " + maxGradNorm);
        require(agent, nStep >= 1, "nStep", "must be >= 1, got " + nStep);
        require(agent, priorityAlpha >= 0, "priorityAlpha", "must be >= 0, got " + priorityAlpha);
        require(agent, priorityBetaStart >= 0 && priorityBetaStart <= 1, "priorityBetaStart", "must be in [0, 1]");
    }

    /** Linear over {@code fraction} of the run, or exponential by {@code decay} per vectorized step. */
    static Schedule exploration(String kind, double start, double end, double fraction, double decay, long totalSteps) {
        return "linear".equals(kind)
            ? Schedule.linear(start, end, Math.max(1, (long) (fraction * totalSteps)))
            : Schedule.exponential(start, end, decay);
    }

    /** {@code Name[field=value, ...]} with arrays written out, for records that hold arrays. */
    static String describe(Record record) {
        StringBuilder out = new StringBuilder(record.getClass().getSimpleName()).append('[');
        RecordComponent[] components = record.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            Object value;
            try {
                value = components[i].getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            out.append(i == 0 ? "" : ", ").append(components[i].getName()).append('=')
                .append(value instanceof int[] widths ? Arrays.toString(widths) : String.valueOf(value));
        }
        return out.append(']').toString();
    }
}

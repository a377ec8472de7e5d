package io.rltrader.agent;

import io.rltrader.nn.Schedule;

/**
 * The settings every value-based agent's config has (DQN, QR-DQN, IQN): optimization, replay and
 * epsilon-greedy exploration. Their config records implement it, so the replay settings the
 * training loop applies and the exploration schedule are made in one place.
 */
public interface ValueAgentConfig {
    double learningRate();

    /** Discount, also used by the replay buffer's n-step sums. */
    double gamma();

    int bufferSize();

    int batchSize();

    int learningStarts();

    int trainFrequency();

    int gradientSteps();

    int targetUpdateInterval();

    double tau();

    /** "linear" (over {@link #explorationFraction()} of the run) or "exponential" (by {@link #epsilonDecay()} per step). */
    String exploration();

    double epsilonStart();

    double epsilonEnd();

    double explorationFraction();

    double epsilonDecay();

    double maxGradNorm();

    int nStep();

    boolean prioritized();

    double priorityAlpha();

    double priorityBetaStart();

    /** Run seed: weights, exploration and replay sampling derive from it. */
    long seed();

    /** The replay settings the training loop applies. */
    default OffPolicyAgent.ReplaySettings replaySettings() {
        return new OffPolicyAgent.ReplaySettings(bufferSize(), batchSize(), learningStarts(), trainFrequency(),
            gradientSteps(), nStep(), gamma(), prioritized(), priorityAlpha(), priorityBetaStart(), seed());
    }

    /** The exploration schedule over vectorized env steps for a run of {@code totalSteps}. */
    default Schedule explorationSchedule(long totalSteps) {
        return ConfigChecks.exploration(exploration(), epsilonStart(), epsilonEnd(), explorationFraction(),
            epsilonDecay(), totalSteps);
    }
}

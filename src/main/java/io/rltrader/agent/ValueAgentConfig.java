package io.rltrader.agent;

import io.rltrader.nn.Schedule;

/**
 * The settings every value-based agent's config has (DQN, QR-DQN, IQN) beyond
 * {@link OffPolicyConfig}'s: target syncs, epsilon-greedy exploration, gradient clipping, n-step
 * returns and prioritized replay. Their config records implement it, so the replay settings the
 * training loop applies and the exploration schedule are made in one place.
 */
public interface ValueAgentConfig extends OffPolicyConfig {
    int targetUpdateInterval();

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

    /** The replay settings the training loop applies, with this config's n-step and prioritized replay. */
    @Override
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

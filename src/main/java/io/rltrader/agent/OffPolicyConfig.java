package io.rltrader.agent;

/**
 * The settings every off-policy agent's config has, with SB3's names: optimization, replay and the
 * run seed. By default an agent replays one-step transitions uniformly ({@link #replaySettings});
 * the value agents' configs ({@link ValueAgentConfig}) add n-step returns and prioritized replay.
 */
public interface OffPolicyConfig {
    double learningRate();

    /** Discount, also used by the replay buffer's n-step sums. */
    double gamma();

    int bufferSize();

    int batchSize();

    int learningStarts();

    int trainFrequency();

    int gradientSteps();

    /** Polyak factor of the target networks (1: a hard copy). */
    double tau();

    /** Run seed: weights, exploration and replay sampling derive from it. */
    long seed();

    /** The replay settings the training loop applies: one-step, uniform. */
    default OffPolicyAgent.ReplaySettings replaySettings() {
        return new OffPolicyAgent.ReplaySettings(bufferSize(), batchSize(), learningStarts(), trainFrequency(),
            gradientSteps(), 1, gamma(), false, 0.6, 0.4, seed());
    }
}

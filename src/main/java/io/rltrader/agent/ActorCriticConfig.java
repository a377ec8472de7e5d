package io.rltrader.agent;

import java.util.List;

/**
 * The settings the continuous actor-critic agents' configs share (SAC, TD3), with SB3's names:
 * their config records implement it, and the replay settings the training loop applies (one-step,
 * uniform) are made here.
 */
public interface ActorCriticConfig {
    /** Hidden widths of the actor and of each critic (SB3 net_arch). */
    List<Integer> hidden();

    double learningRate();

    int bufferSize();

    int learningStarts();

    int batchSize();

    /** Polyak factor of the target networks. */
    double tau();

    double gamma();

    int trainFrequency();

    int gradientSteps();

    /** Run seed: weights, update noise, acting and replay sampling derive from it. */
    long seed();

    /** One-step uniform replay with these settings. */
    default OffPolicyAgent.ReplaySettings replaySettings() {
        return new OffPolicyAgent.ReplaySettings(bufferSize(), batchSize(), learningStarts(), trainFrequency(),
            gradientSteps(), 1, gamma(), false, 0.6, 0.4, seed());
    }
}

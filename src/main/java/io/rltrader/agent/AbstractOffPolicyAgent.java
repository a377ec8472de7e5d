package io.rltrader.agent;

import io.rltrader.nn.BelowAutograd;

/**
 * What every off-policy agent class shares: its config, the replay settings made from it, and the
 * update's entry point, which runs {@link #updateBelowAutograd} below LibTorch's autograd dispatch
 * through a body made once, so that an update allocates nothing. {@link ValueAgent} (DQN, QR-DQN,
 * IQN) and {@link ActorCriticAgent} (SAC, TD3) build on it.
 *
 * @param <C> the agent's config record
 */
abstract class AbstractOffPolicyAgent<C extends OffPolicyConfig> implements OffPolicyAgent {
    final C config;
    /** {@link #updateBelowAutograd}, made once so that an update allocates nothing. */
    private final Runnable updateBody = this::updateBelowAutograd;

    AbstractOffPolicyAgent(C config) {
        this.config = config;
    }

    /** One update from {@link #batch()}; see the agent's {@link #updateBelowAutograd} for its phases. */
    @Override
    public final void update() {
        BelowAutograd.run(updateBody);
    }

    /** {@link #update()}'s work; its LibTorch calls skip the autograd dispatch steps ({@link BelowAutograd}). */
    abstract void updateBelowAutograd();

    public C config() {
        return config;
    }

    @Override
    public ReplaySettings replaySettings() {
        return config.replaySettings();
    }
}

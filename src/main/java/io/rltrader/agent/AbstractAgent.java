package io.rltrader.agent;

import io.rltrader.nn.BelowAutograd;

/**
 * What every agent class shares: its config and the update's entry point, which runs
 * {@link #updateBelowAutograd} below LibTorch's autograd dispatch through a body made once, so that
 * an update allocates nothing. {@link AbstractOffPolicyAgent} and {@link AbstractOnPolicyAgent}
 * build on it.
 *
 * @param <C> the agent's config record
 */
abstract class AbstractAgent<C> {
    final C config;
    /** {@link #updateBelowAutograd}, made once so that an update allocates nothing. */
    private final Runnable updateBody = this::updateBelowAutograd;

    AbstractAgent(C config) {
        this.config = config;
    }

    /** One update (from the sampled batch, or the collected rollout); see the agent's {@link #updateBelowAutograd}. */
    public final void update() {
        BelowAutograd.run(updateBody);
    }

    /** {@link #update()}'s work; its LibTorch calls skip the autograd dispatch steps ({@link BelowAutograd}). */
    abstract void updateBelowAutograd();

    public C config() {
        return config;
    }
}

package io.rltrader.agent;

/**
 * What every off-policy agent class shares beyond {@link AbstractAgent}: the replay settings made
 * from its config. {@link ValueAgent} (DQN, QR-DQN, IQN) and {@link ActorCriticAgent} (SAC, TD3) build
 * on it.
 *
 * @param <C> the agent's config record
 */
abstract class AbstractOffPolicyAgent<C extends OffPolicyConfig> extends AbstractAgent<C> implements OffPolicyAgent {
    AbstractOffPolicyAgent(C config) {
        super(config);
    }

    @Override
    public ReplaySettings replaySettings() {
        return config.replaySettings();
    }
}

package io.rltrader.agent;

import io.rltrader.memory.RolloutBuffer;
import io.rltrader.nn.ParameterSet;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the on-policy agents (PPO, REINFORCE) share besides their losses: the config, the
 * {@link PolicyGradientCore} (network, optimizer, sampling, checkpoints), the rollout, the
 * {@link OnPolicyAgent} accessors and deterministic acting; the update's entry point is
 * {@link AbstractAgent}'s.
 *
 * @param <C> the agent's config record
 */
abstract class AbstractOnPolicyAgent<C extends AbstractOnPolicyAgent.Settings> extends AbstractAgent<C>
        implements OnPolicyAgent {
    /** What this class reads from an on-policy agent's config. */
    interface Settings {
        double gamma();
    }

    final String algorithm;
    final PolicyGradientCore core;
    final ActorCritic net;
    final RolloutBuffer rollout;

    /**
     * @param rollout the rollout's settings, checked (sizes included) before {@code core}, the
     *                native memory, is made: the caller's argument order keeps that
     */
    AbstractOnPolicyAgent(String algorithm, C config, RolloutBuffer.Config rollout, PolicyGradientCore core) {
        super(config);
        this.algorithm = algorithm;
        this.core = core;
        this.net = core.net;
        this.rollout = new RolloutBuffer(rollout);
    }

    @Override
    public int actionSize() {
        return net.actionSize;
    }

    @Override
    public RolloutBuffer rollout() {
        return rollout;
    }

    @Override
    public float gamma() {
        return (float) config.gamma();
    }

    @Override
    public RolloutPolicy rolloutPolicy(UnsafeBuffer observationRows, UnsafeBuffer finalObservationRows) {
        return core.sampler(observationRows, finalObservationRows);
    }

    /** Deterministic discrete acting (the most likely action) over {@code rows} observations. */
    public OffPolicyAgent.DiscretePolicy policy(UnsafeBuffer observationRows, int rows) {
        return core.deterministic(observationRows, rows);
    }

    @Override
    public long updates() {
        return core.updates;
    }

    /** All weights in flat layout order (tests, checkpoints). */
    public float[] weights() {
        return net.parameters.toArray();
    }

    ParameterSet parameters() {
        return net.parameters;
    }

    /**
     * Writes a checkpoint directory: config.json with sizes and this config, model.safetensors with
     * the networks under their layer names ({@code pi.0.weight}, {@code vf.0.weight}, {@code log_std}),
     * state.safetensors with Adam's moments and step, the update count and the sampling generator.
     */
    @Override
    public void save(Path dir) {
        core.save(dir, algorithm, config);
    }

    @Override
    public void close() {
        rollout.close();
        core.close();
    }
}

package io.rltrader.agent;

import io.rltrader.memory.ActionSpec;
import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.ComputeDevice;

/**
 * What the continuous actor-critic agents (SAC, TD3) share besides their actor: the
 * {@link ActorCriticParts} (sizes, arena, batch, twin critics, generators, update count), the
 * {@link OffPolicyAgent} accessors, the critics' losses and weights. Each agent makes its actor in its
 * constructor and implements {@link #updateBelowAutograd}, {@link #explorationSchedule} and
 * {@link #policy}.
 *
 * @param <C> the agent's config record
 */
abstract class ActorCriticAgent<C extends ActorCriticConfig> extends AbstractOffPolicyAgent<C> {
    final ActorCriticParts parts;
    final TwinCritics critics;
    final ContinuousDeviceBatch deviceBatch;

    /**
     * @param criticLossScale  factor on the critics' squared error (SB3's SAC halves it)
     * @param minimumForPolicy whether the actor's gradient goes through min(Q1, Q2) (SAC) or Q1 (TD3)
     * @param streamBase       the agent's streams of the run seed (see {@link ActorCriticParts})
     */
    ActorCriticAgent(String algorithm, int observations, int actionDim, C config, ComputeDevice device,
                     double criticLossScale, boolean minimumForPolicy, long streamBase) {
        super(config);
        this.parts = new ActorCriticParts(algorithm, observations, actionDim, device,
            ActorCriticConfigs.widths(config.hidden()), config.batchSize(), config.learningRate(), config.tau(),
            criticLossScale, minimumForPolicy, config.seed(), streamBase);
        this.critics = parts.critics;
        this.deviceBatch = parts.deviceBatch;
    }

    @Override
    public int observationSize() {
        return parts.observations;
    }

    @Override
    public int actionCount() {
        return parts.actionDim;
    }

    @Override
    public ActionSpec actionSpec() {
        return parts.actionSpec();
    }

    @Override
    public TransitionBatch batch() {
        return parts.batch;
    }

    @Override
    public long updates() {
        return parts.updates;
    }

    /** The critics' loss in the last update (a device-to-host read on CUDA). */
    @Override
    public float lastLoss() {
        return critics.lastLoss();
    }

    @Override
    public String nonFiniteTerm() {
        return critics.nonFiniteTerm();
    }

    /** Flat weights of both online critics (tests, checkpoints). */
    public float[] criticWeights() {
        return critics.online.toArray();
    }

    /** Flat weights of both target critics. */
    public float[] targetCriticWeights() {
        return critics.target.toArray();
    }

    @Override
    public void close() {
        parts.close();
    }
}

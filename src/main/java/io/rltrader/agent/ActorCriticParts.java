package io.rltrader.agent;

import io.rltrader.memory.ActionSpec;
import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.CheckpointFiles;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.Layer;
import io.rltrader.nn.NativeRuntime;
import io.rltrader.nn.SafeTensorsFile;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the continuous actor-critic agents (SAC, TD3) are made of besides their actor: sizes, the
 * device arena, the replay batch and its device copy, the {@link TwinCritics}, the generators of
 * update noise and of acting, the update count, and the checkpoint pieces all of that needs; the
 * agents hold them through {@link ActorCriticAgent}, and each agent's update stays in its own file.
 *
 * <p>Seeds: the agent's actor takes stream {@code streamBase + 1} of the run seed, the critics
 * {@code + 2}, update noise {@code + 3}, acting {@code + 4}.
 */
final class ActorCriticParts implements AutoCloseable {
    /** Writes actions for the rows of a policy from the actor's host-readable output, exploring with {@code rng}. */
    @FunctionalInterface
    interface ActionRule {
        void act(UnsafeBuffer actorOutput, int rows, UnsafeBuffer actionsOut, double exploration, Rng rng);
    }

    final String algorithm;
    final int observations;
    final int actionDim;
    final DeviceTensors arena;
    final TransitionBatch batch;
    final ContinuousDeviceBatch deviceBatch;
    final TwinCritics critics;
    final Rng updateRng;
    final Rng explorationRng;
    long updates;

    ActorCriticParts(String algorithm, int observations, int actionDim, ComputeDevice device, int[] hidden,
                     int batchSize, double learningRate, double tau, double criticLossScale,
                     boolean minimumForPolicy, long seed, long streamBase) {
        if (observations <= 0) {
            throw new UserInputException(algorithm + ": observation size must be positive, got " + observations);
        }
        if (actionDim <= 0) {
            throw new UserInputException(algorithm + ": action dimension must be positive, got " + actionDim);
        }
        NativeRuntime.init();
        NativeRuntime.flushDenormalsOnThisThread();
        this.algorithm = algorithm;
        this.observations = observations;
        this.actionDim = actionDim;
        this.arena = new DeviceTensors(device);
        this.critics = new TwinCritics(arena, observations, actionDim, hidden, batchSize, learningRate,
            criticLossScale, tau, minimumForPolicy, Rng.split(seed, streamBase + 2));
        this.updateRng = Rng.split(seed, streamBase + 3);
        this.explorationRng = Rng.split(seed, streamBase + 4);
        this.batch = new TransitionBatch(batchSize, observations, ActionSpec.continuous(actionDim));
        this.deviceBatch = new ContinuousDeviceBatch(arena, batch);
    }

    /** The generator of the actor's initial weights. */
    static Rng actorInit(long seed, long streamBase) {
        return Rng.split(seed, streamBase + 1);
    }

    ActionSpec actionSpec() {
        return ActionSpec.continuous(actionDim);
    }

    /**
     * A policy over {@code rows} observation rows: the actor's batched pass, then {@code rule} in Java,
     * exploring with the agent's acting generator.
     */
    OffPolicyAgent.BoundPolicy policy(Layer actor, UnsafeBuffer observationRows, int rows, ActionRule rule) {
        return new ActorPolicy(actor, arena.device(), observationRows, rows, rule, explorationRng);
    }

    /** An actor's policy: single-threaded, with {@link #copyFor} for other threads. */
    private static final class ActorPolicy implements OffPolicyAgent.BoundPolicy {
        private final Layer actor;
        private final ComputeDevice device;
        private final int rows;
        private final ActionRule rule;
        private final Rng rng;
        private final RowsForward network;
        private final SingleThreadedUse use = new SingleThreadedUse("this actor policy");

        ActorPolicy(Layer actor, ComputeDevice device, UnsafeBuffer observationRows, int rows, ActionRule rule,
                    Rng rng) {
            this.actor = actor;
            this.device = device;
            this.rows = rows;
            this.rule = rule;
            this.rng = rng;
            this.network = new RowsForward(actor, device, observationRows, rows);
        }

        @Override
        public void act(UnsafeBuffer actionsOut, double exploration) {
            use.enter();
            try {
                rule.act(network.forward(), rows, actionsOut, exploration, rng);
            } finally {
                use.exit();
            }
        }

        @Override
        public OffPolicyAgent.BoundPolicy copyFor(UnsafeBuffer observationRows, int rows) {
            use.enter();
            try {
                return new ActorPolicy(actor, device, observationRows, rows, rule, rng.copy());
            } finally {
                use.exit();
            }
        }

        @Override
        public void close() {
            use.enter();
            try {
                network.close();
            } finally {
                use.exit();
            }
        }
    }

    /** Adds the critics, their targets and Adam state, the update count and both generators, then writes. */
    void save(Path dir, int version, Object config, SafeTensorsFile.Writer model, SafeTensorsFile.Writer state) {
        critics.write(model, state);
        AgentCheckpoints.writeCounters(state, updates, updateRng, explorationRng);
        AgentCheckpoints.write(dir, algorithm, version, observations, actionDim, config, model, state);
    }

    /** Restores what {@link #save} added. */
    void restore(CheckpointFiles.Checkpoint checkpoint) {
        critics.read(checkpoint.model(), checkpoint.state());
        updates = AgentCheckpoints.readCounters(checkpoint.state(), updateRng, explorationRng);
    }

    @Override
    public void close() {
        critics.close();
        batch.close();
        arena.close();
    }
}

package io.rltrader.agent;

import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.Adam;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.Kernels;
import io.rltrader.nn.NativeRuntime;
import io.rltrader.nn.ParameterSet;
import io.rltrader.nn.Schedule;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * What the value-based agents (DQN, QR-DQN, IQN) share: the checks of their sizes, an online and a
 * target network of type {@code N} made alike from the seed, their optimization (Adam, clipping,
 * target sync, checkpoints), the batch the replay buffer samples into, the exploration generator,
 * and the {@link OffPolicyAgent} accessors. A subclass binds its passes and loss in its constructor
 * and implements {@link #updateBelowAutograd}, {@link #lastLoss}, {@link #nonFiniteTerm} and
 * {@link #policy}.
 *
 * @param <C> the agent's config record
 * @param <N> its network type
 */
abstract class ValueAgent<C extends ValueAgentConfig, N> extends AbstractOffPolicyAgent<C> {
    /** Checkpoint layout version the value agents write and read. */
    static final int CHECKPOINT_VERSION = 1;

    final String algorithm;
    final int observations;
    final int actions;
    final Kernels kernels;
    final DeviceTensors arena;
    final N online;
    final N target;
    final ValueOptimization optimization;
    final DeviceBatch batch;
    final Rng explorationRng;
    /** {@link #lastLoss} for the fault check, made once: no supplier is allocated per update. */
    final DoubleSupplier lossValue = this::lastLoss;

    /**
     * @param algorithm  the name in messages and checkpoints
     * @param network    makes one network in the arena, its weights drawn from the generator: called
     *                   twice, with equal generators, for the online and the target network
     * @param parameters a network's parameters
     */
    ValueAgent(String algorithm, int observations, int actions, C config, ComputeDevice device, Kernels kernels,
               java.util.function.BiFunction<DeviceTensors, Rng, N> network, Function<N, ParameterSet> parameters) {
        super(config);
        if (observations <= 0) {
            throw new UserInputException(algorithm + ": observation size must be positive, got " + observations);
        }
        if (actions < 2) {
            throw new UserInputException(algorithm + ": needs at least 2 discrete actions, got " + actions);
        }
        this.kernels = kernels.requireSupportedOn(device, algorithm);
        NativeRuntime.init();
        NativeRuntime.flushDenormalsOnThisThread();
        this.algorithm = algorithm;
        this.observations = observations;
        this.actions = actions;
        this.arena = new DeviceTensors(device);
        this.online = network.apply(arena, Rng.split(config.seed(), 101));
        this.target = network.apply(arena, Rng.split(config.seed(), 101));
        this.optimization = new ValueOptimization(arena, parameters.apply(online), parameters.apply(target),
            config.learningRate(), config.maxGradNorm(), config.targetUpdateInterval(), config.tau(), this.kernels);
        this.explorationRng = Rng.split(config.seed(), 102);
        this.batch = new DeviceBatch(arena, config.batchSize(), observations);
    }

    /**
     * Writes a checkpoint directory (see {@link io.rltrader.nn.CheckpointFiles}): {@code config.json}
     * with the sizes and this config, {@code model.safetensors} with the online network under its
     * layer names (DQN's {@code q.0.weight}, ...), and {@code state.safetensors} with the target network,
     * Adam's moments and step, the update count and the agent's generators, so that loading it
     * resumes bit-identically.
     */
    public void save(Path dir) {
        optimization.save(dir, algorithm, CHECKPOINT_VERSION, observations, actions, config, generators());
    }

    /** Restores the state a checkpoint holds into this agent, made from the checkpoint's sizes and config. */
    void restore(AgentCheckpoints.ValueCheckpoint<C> checkpoint) {
        optimization.restore(checkpoint, generators());
    }

    /** The generators a checkpoint saves and restores, by name. */
    Map<String, Rng> generators() {
        return Map.of("exploration", explorationRng);
    }

    @Override
    public Schedule explorationSchedule(long totalSteps) {
        return config.explorationSchedule(totalSteps);
    }

    @Override
    public int observationSize() {
        return observations;
    }

    @Override
    public int actionCount() {
        return actions;
    }

    /** The batch the replay buffer samples into before each {@link #update()}. */
    @Override
    public TransitionBatch batch() {
        return batch.host;
    }

    /** Gradient updates taken so far. */
    @Override
    public long updates() {
        return optimization.updates();
    }

    /** The global gradient norm before clipping in the last update, or NaN without clipping. */
    public double lastGradientNorm() {
        return optimization.lastGradientNorm();
    }

    /** Flat online-network weights (tests, checkpoints). */
    public float[] onlineWeights() {
        return optimization.online.toArray();
    }

    /** Flat target-network weights (tests, checkpoints). */
    public float[] targetWeights() {
        return optimization.target.toArray();
    }

    ParameterSet onlineParameters() {
        return optimization.online;
    }

    ParameterSet targetParameters() {
        return optimization.target;
    }

    Adam optimizer() {
        return optimization.optimizer();
    }

    @Override
    public void close() {
        optimization.close();
        batch.close();
        arena.close();
    }
}

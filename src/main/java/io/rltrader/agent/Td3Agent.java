package io.rltrader.agent;

import io.rltrader.nn.Activation;
import io.rltrader.nn.Adam;
import io.rltrader.nn.Binding;
import io.rltrader.nn.CheckpointFiles;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.LayerPass;
import io.rltrader.nn.ParameterSet;
import io.rltrader.nn.SafeTensorsFile;
import io.rltrader.nn.Schedule;
import io.rltrader.nn.Sequential;
import io.rltrader.util.Rng;
import java.nio.file.Path;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Twin Delayed DDPG (Fujimoto et al. 2018) for continuous action vectors in [-1, 1]^A, with
 * Stable-Baselines3's semantics: a deterministic tanh actor with a target copy, twin Q critics with
 * target copies ({@link TwinCritics}), target policy smoothing
 * {@code a' = clamp(mu'(s') + clamp(N(0, targetPolicyNoise), -targetNoiseClip, targetNoiseClip), -1, 1)},
 * the target {@code y = r + discount min(Q1', Q2')(s', a')}, the critic loss
 * {@code MSE(Q1, y) + MSE(Q2, y)}, and every {@code policyDelay} updates the actor step on
 * {@code -mean(Q1(s, mu(s)))} followed by Polyak updates of all targets. Acting adds
 * {@code N(0, explorationNoise)} and clips. This is what the tutorial's "SACAgent" meant to be
 * (deterministic actor, Gaussian exploration, twin critics), done as the paper does it. Noise comes
 * from the agent's seeded {@link Rng}; updating and acting allocate nothing on the Java heap.
 */
public final class Td3Agent extends ActorCriticAgent<Td3Agent.Config> {
    private static final String NAME = "td3";

    /**
     * Every hyperparameter, with SB3's names.
     *
     * @param hidden            hidden widths of the actor and of each critic (SB3 net_arch)
     * @param learningRate      Adam learning rate of actor and critics
     * @param bufferSize        replay capacity in transitions
     * @param learningStarts    transitions collected (uniformly random actions) before the first update
     * @param batchSize         transitions per update
     * @param tau               Polyak coefficient of the targets
     * @param gamma             discount
     * @param trainFrequency    vectorized env steps between update rounds
     * @param gradientSteps     updates per round
     * @param policyDelay       critic updates per actor and target update
     * @param targetPolicyNoise std of the target policy smoothing noise
     * @param targetNoiseClip   bound of that noise
     * @param explorationNoise  std of the Gaussian noise added when acting
     * @param seed              run seed: weights, noise and replay sampling derive from it
     */
    public record Config(List<Integer> hidden, double learningRate, int bufferSize, int learningStarts, int batchSize,
                         double tau, double gamma, int trainFrequency, int gradientSteps, int policyDelay,
                         double targetPolicyNoise, double targetNoiseClip, double explorationNoise, long seed) implements ActorCriticConfig {
        public Config {
            hidden = hidden == null ? List.of(256, 256) : List.copyOf(hidden);
            ActorCriticConfigs.requireCommon(NAME, hidden, learningRate, gamma, bufferSize, batchSize,
                learningStarts, trainFrequency, gradientSteps, tau);
            ActorCriticConfigs.require(NAME, policyDelay > 0, "policyDelay", "must be > 0, got " + policyDelay);
            ActorCriticConfigs.require(NAME, targetPolicyNoise >= 0 && Double.isFinite(targetPolicyNoise),
                "targetPolicyNoise", "must be >= 0, got " + targetPolicyNoise);
            ActorCriticConfigs.require(NAME, targetNoiseClip >= 0, "targetNoiseClip",
                "must be >= 0, got " + targetNoiseClip);
            ActorCriticConfigs.require(NAME, explorationNoise >= 0 && Double.isFinite(explorationNoise),
                "explorationNoise", "must be >= 0, got " + explorationNoise);
        }

        /**
         * Stable-Baselines3's TD3 defaults with the usual N(0, 0.1) action noise (SB3 leaves it to the
         * user), 256-256 networks as CleanRL (SB3: 400-300) and a buffer scaled to trading-sized runs.
         */
        public static Config defaults() {
            return new Config(List.of(256, 256), 1e-3, 100_000, 100, 256, 0.005, 0.99, 1, 1, 2, 0.2, 0.5, 0.1, 0L);
        }

        /**
         * The tutorial's "SACAgent" settings (MLPs 256-256, Adam 3e-4, gamma 0.99, tau 0.005, N(0, 0.1)
         * exploration, buffer 100k, batch 256, training once the buffer holds a batch) with TD3's
         * policy delay 2 and target smoothing 0.2 / 0.5.
         */
        public static Config tutorial() {
            return new Config(List.of(256, 256), 3e-4, 100_000, 256, 256, 0.005, 0.99, 1, 1, 2, 0.2, 0.5, 0.1, 0L);
        }

        public Config withSeed(long value) {
            return new Config(hidden, learningRate, bufferSize, learningStarts, batchSize, tau, gamma, trainFrequency,
                gradientSteps, policyDelay, targetPolicyNoise, targetNoiseClip, explorationNoise, value);
        }
    }

    private final Sequential actor;
    private final ParameterSet actorParameters;
    private final ParameterSet actorTarget;
    private final Adam actorOptimizer;
    private final HostNoise targetNoise;
    private final LayerPass actorPass;
    private final LayerPass actorTargetPass;
    private final Tensor minusOne;
    private final Tensor one;
    private final Scalar tau;

    /** A new agent for observations of {@code observations} floats and actions of {@code actionDim}, on the CPU. */
    public Td3Agent(int observations, int actionDim, Config config) {
        this(observations, actionDim, config, ComputeDevice.CPU);
    }

    public Td3Agent(int observations, int actionDim, Config config, ComputeDevice device) {
        super(NAME, observations, actionDim, config, device, 1.0, false, 400);
        int[] hidden = ActorCriticConfigs.widths(config.hidden());
        int b = config.batchSize();
        DeviceTensors arena = parts.arena;

        ParameterSet.Builder actorBuilder = ParameterSet.builder();
        this.actor = Sequential.mlp(actorBuilder, "actor", observations, hidden, actionDim, Activation.RELU,
            Activation.TANH);
        this.actorParameters = actorBuilder.build(arena, ActorCriticParts.actorInit(config.seed(), 400));
        ParameterSet.Builder targetBuilder = ParameterSet.builder();
        Sequential targetNetwork = Sequential.mlp(targetBuilder, "actor", observations, hidden, actionDim,
            Activation.RELU, Activation.TANH);
        this.actorTarget = targetBuilder.build(arena, ActorCriticParts.actorInit(config.seed(), 400));
        actorTarget.copyFrom(actorParameters);
        this.actorOptimizer = new Adam(actorParameters, Adam.Config.adam(config.learningRate()));

        this.targetNoise = new HostNoise(arena, b, actionDim);
        this.actorPass = actor.bind(new Binding(arena, b, true), deviceBatch.observations, null);
        this.actorTargetPass = targetNetwork.bind(new Binding(arena, b, false), deviceBatch.nextObservations, null);
        this.minusOne = arena.constant(-1.0);
        this.one = arena.constant(1.0);
        this.tau = arena.scalar(config.tau());
    }

    /** The exploration noise std, constant over the run. */
    @Override
    public Schedule explorationSchedule(long totalSteps) {
        return Schedule.constant(config.explorationNoise());
    }

    /** One TD3 update from {@link #batch()}: critics every call, actor and targets every policyDelay calls. */
    @Override
    void updateBelowAutograd() {
        deviceBatch.upload();
        long updates = ++parts.updates;
        // 1. target with policy smoothing
        targetNoise.fill(parts.updateRng, config.targetPolicyNoise(), config.targetNoiseClip());
        actorTargetPass.forward();
        critics.nextObservations.copy_(deviceBatch.nextObservations);
        critics.nextActions.copy_(actorTargetPass.output()).add_(targetNoise.tensor()).clamp_min_(minusOne)
            .clamp_max_(one);
        critics.tdTarget().copy_(critics.targetMinimum()).mul_(deviceBatch.discounts).add_(deviceBatch.rewards);

        // 2. critics on the replayed actions
        critics.observations.copy_(deviceBatch.observations);
        critics.actions.copy_(deviceBatch.actions);
        critics.update();

        // 3. delayed actor step on -mean(Q1(s, mu(s))) and target updates
        if (updates % config.policyDelay() == 0) {
            actorPass.forward();
            critics.policyObservations.copy_(deviceBatch.observations);
            critics.policyActions.copy_(actorPass.output());
            actorPass.gradOutput().copy_(critics.policyGradient());
            actorPass.backward(true);
            actorOptimizer.step();
            critics.updateTarget();
            actorTarget.polyakFrom(actorParameters, tau);
        }
    }

    /** Flat actor weights (tests, checkpoints). */
    public float[] actorWeights() {
        return actorParameters.toArray();
    }

    /** Flat target-actor weights. */
    public float[] targetActorWeights() {
        return actorTarget.toArray();
    }

    ParameterSet actorParameters() {
        return actorParameters;
    }

    ParameterSet actorTargetParameters() {
        return actorTarget;
    }

    TwinCritics critics() {
        return critics;
    }

    /** The clipped target-policy noise of the last update. */
    Tensor lastTargetNoise() {
        return targetNoise.tensor();
    }

    /**
     * Acting for {@code rows} observations in off-heap memory: one batched actor pass, then in Java
     * {@code clamp(mu(s) + N(0, exploration), -1, 1)} with the agent's own seeded generator;
     * exploration 0 is the deterministic policy. Allocates nothing.
     */
    @Override
    public BoundPolicy policy(UnsafeBuffer observationRows, int rows) {
        return parts.policy(actor, observationRows, rows, this::addExplorationNoise);
    }

    private void addExplorationNoise(UnsafeBuffer mu, int rows, UnsafeBuffer actionsOut, double exploration, Rng rng) {
        for (int i = 0; i < rows * parts.actionDim; i++) {
            double action = mu.getFloat(i * Float.BYTES);
            if (exploration > 0) {
                action = Math.max(-1, Math.min(1, action + exploration * rng.nextGaussian()));
            }
            actionsOut.putFloat(i * Float.BYTES, (float) action);
        }
    }

    /** Algorithm name in checkpoints. */
    public static final String ALGORITHM = NAME;
    /** Checkpoint layout version this class writes and reads. */
    public static final int CHECKPOINT_VERSION = 1;

    /**
     * Writes a checkpoint directory: {@code model.safetensors} holds the actor ({@code actor.*}) and
     * the critics ({@code critic.q1.*}, {@code critic.q2.*}); the state file the target actor and
     * critics, both Adam states, the update count and both generators, so that {@link #load} resumes
     * bit-identically.
     */
    public void save(Path dir) {
        SafeTensorsFile.Writer model = new SafeTensorsFile.Writer();
        SafeTensorsFile.Writer state = new SafeTensorsFile.Writer();
        AgentCheckpoints.writeParameters(model, "", actorParameters);
        AgentCheckpoints.writeParameters(state, "actor_target.", actorTarget);
        AgentCheckpoints.writeOptimizer(state, "actor_adam.", actorOptimizer, actorParameters.size());
        parts.save(dir, CHECKPOINT_VERSION, config, model, state);
    }

    /** Loads a checkpoint written by {@link #save} onto the CPU. */
    public static Td3Agent load(Path dir) {
        return load(dir, ComputeDevice.CPU);
    }

    /** Loads a checkpoint written by {@link #save}; every tensor's name, shape and finiteness is checked. */
    public static Td3Agent load(Path dir, ComputeDevice device) {
        return AgentCheckpoints.load(dir, ALGORITHM, CHECKPOINT_VERSION, Config.class,
            (observations, actions, config) -> new Td3Agent(observations, actions, config, device),
            Td3Agent::restore);
    }

    private void restore(CheckpointFiles.Checkpoint checkpoint) {
        AgentCheckpoints.readParameters(checkpoint.model(), "", actorParameters);
        AgentCheckpoints.readParameters(checkpoint.state(), "actor_target.", actorTarget);
        parts.restore(checkpoint);
        AgentCheckpoints.readOptimizer(checkpoint.state(), "actor_adam.", actorOptimizer, actorParameters.size());
    }

    @Override
    public void close() {
        actorOptimizer.close();
        super.close();
    }
}

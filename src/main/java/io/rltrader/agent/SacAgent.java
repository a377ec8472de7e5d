package io.rltrader.agent;

import io.rltrader.nn.Activation;
import io.rltrader.nn.Adam;
import io.rltrader.nn.Binding;
import io.rltrader.nn.CheckpointFiles;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.NativeConstants;
import io.rltrader.nn.ParameterSet;
import io.rltrader.nn.SafeTensorsFile;
import io.rltrader.nn.Schedule;
import io.rltrader.nn.Sequential;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Soft Actor-Critic (Haarnoja et al. 2018, "Soft Actor-Critic Algorithms and Applications") for
 * continuous action vectors in [-1, 1]^A, with Stable-Baselines3's semantics: a tanh-squashed
 * Gaussian actor ({@link SquashedGaussian}), twin Q critics with Polyak-averaged targets
 * ({@link TwinCritics}), and the entropy coefficient alpha learned toward the target entropy
 * {@code -A} through {@code log alpha} with its own Adam (or fixed).
 *
 * <p>One {@link #update()} reads top to bottom as SB3's {@code SAC.train} step: sample
 * {@code a ~ pi(s)} by reparameterization (noise from the agent's seeded {@link Rng}, never
 * LibTorch's generator); temperature step on {@code -(log alpha (log pi + H)).mean()}; soft target
 * {@code y = r + discount (min(Q1', Q2')(s', a') - alpha log pi(a'|s'))} with {@code a' ~ pi(s')};
 * critic step on {@code 0.5 (MSE(Q1, y) + MSE(Q2, y))}; actor step on
 * {@code mean(alpha log pi(a|s) - min(Q1, Q2)(s, a))} through the updated critics; Polyak update of
 * the target critics. Alpha in the target and the actor loss is its value before this update's
 * temperature step, as in SB3. All forward and backward passes are hand-written over preallocated
 * tensors: updating and acting allocate nothing on the Java heap.
 */
public final class SacAgent extends ActorCriticAgent<SacAgent.Config> {
    private static final String NAME = "sac";

    /**
     * Every hyperparameter, with SB3's names.
     *
     * @param hidden               hidden widths of the actor and of each critic (SB3 net_arch)
     * @param learningRate         Adam learning rate of actor, critics and temperature
     * @param bufferSize           replay capacity in transitions
     * @param learningStarts       transitions collected (uniformly random actions) before the first update
     * @param batchSize            transitions per update
     * @param tau                  Polyak coefficient of the target critics
     * @param gamma                discount
     * @param trainFrequency       vectorized env steps between update rounds
     * @param gradientSteps        updates per round
     * @param entCoef              "auto" (learned, starting at 1), "auto_X" (learned, starting at X), or a
     *                             fixed number
     * @param targetUpdateInterval updates between target-critic Polyak steps
     * @param targetEntropy        "auto" ({@code -dim(A)}) or a number
     * @param seed                 run seed: weights, noise and replay sampling derive from it
     */
    public record Config(List<Integer> hidden, double learningRate, int bufferSize, int learningStarts, int batchSize,
                         double tau, double gamma, int trainFrequency, int gradientSteps, String entCoef,
                         int targetUpdateInterval, String targetEntropy, long seed) implements ActorCriticConfig {
        public Config {
            hidden = hidden == null ? List.of(256, 256) : List.copyOf(hidden);
            ActorCriticConfigs.requireCommon(NAME, hidden, learningRate, gamma, bufferSize, batchSize,
                learningStarts, trainFrequency, gradientSteps, tau);
            ActorCriticConfigs.require(NAME, targetUpdateInterval > 0, "targetUpdateInterval",
                "must be > 0, got " + targetUpdateInterval);
            parseEntCoef(entCoef);
            parseTargetEntropy(targetEntropy, 1);
        }

        /** Stable-Baselines3's SAC defaults (buffer scaled to trading-sized runs: SB3 keeps 1e6). */
        public static Config defaults() {
            return new Config(List.of(256, 256), 3e-4, 100_000, 100, 256, 0.005, 0.99, 1, 1, "auto", 1, "auto", 0L);
        }

        /**
         * The tutorial's SACAgent settings (MLPs 256-256, Adam 3e-4, gamma 0.99, tau 0.005, alpha 0.2,
         * buffer 100k, batch 256, training once the buffer holds a batch), on a real SAC: its fixed
         * alpha of 0.2 is kept as a fixed entropy coefficient.
         */
        public static Config tutorial() {
            return new Config(List.of(256, 256), 3e-4, 100_000, 256, 256, 0.005, 0.99, 1, 1, "0.2", 1, "auto", 0L);
        }

        public Config withSeed(long value) {
            return new Config(hidden, learningRate, bufferSize, learningStarts, batchSize, tau, gamma, trainFrequency,
                gradientSteps, entCoef, targetUpdateInterval, targetEntropy, value);
        }

        /** Whether alpha is learned. */
        public boolean learnsEntCoef() {
            return parseEntCoef(entCoef).learned;
        }

        /** The initial (or fixed) alpha. */
        public double initialEntCoef() {
            return parseEntCoef(entCoef).initial;
        }

        /** The target entropy for actions of {@code actionDim} components. */
        public double targetEntropyFor(int actionDim) {
            return parseTargetEntropy(targetEntropy, actionDim);
        }

        private record EntCoef(boolean learned, double initial) {
        }

        private static EntCoef parseEntCoef(String text) {
            String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            boolean learned = value.startsWith("auto");
            String number = learned ? (value.startsWith("auto_") ? value.substring(5) : "1.0") : value;
            try {
                double initial = Double.parseDouble(number);
                if (initial > 0 && Double.isFinite(initial)) {
                    return new EntCoef(learned, initial);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UserInputException(NAME + " config entCoef: expected auto, auto_<initial> or a positive number,"
                + " got '" + text + "'");
        }

        private static double parseTargetEntropy(String text, int actionDim) {
            String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            if (value.equals("auto")) {
                return -actionDim;
            }
            try {
                double target = Double.parseDouble(value);
                if (Double.isFinite(target)) {
                    return target;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UserInputException(NAME + " config targetEntropy: expected auto or a number, got '" + text + "'");
        }
    }

    private final Sequential actor;
    private final ParameterSet actorParameters;
    private final Adam actorOptimizer;
    private final ParameterSet logEntCoef;
    private final Adam entCoefOptimizer;
    private final HostNoise noise;
    private final HostNoise nextNoise;
    private final SquashedGaussian current;
    private final SquashedGaussian next;
    private final Tensor entCoef;
    private final Tensor logProbWeight;
    private final Tensor inverseBatch;
    private final Tensor logProbRow;
    private final Tensor onesBatch;
    private final Tensor targetEntropy;
    private final Scalar minusInverseBatch;

    /** A new agent for observations of {@code observations} floats and actions of {@code actionDim}, on the CPU. */
    public SacAgent(int observations, int actionDim, Config config) {
        this(observations, actionDim, config, ComputeDevice.CPU);
    }

    public SacAgent(int observations, int actionDim, Config config, ComputeDevice device) {
        super(NAME, observations, actionDim, config, device, 0.5, true, 300);
        int[] hidden = ActorCriticConfigs.widths(config.hidden());
        int b = config.batchSize();
        DeviceTensors arena = parts.arena;

        ParameterSet.Builder actorBuilder = ParameterSet.builder();
        this.actor = Sequential.mlp(actorBuilder, "actor", observations, hidden, 2 * actionDim, Activation.RELU,
            Activation.IDENTITY);
        this.actorParameters = actorBuilder.build(arena, ActorCriticParts.actorInit(config.seed(), 300));
        this.actorOptimizer = new Adam(actorParameters, Adam.Config.adam(config.learningRate()));
        ParameterSet.Builder entBuilder = ParameterSet.builder();
        entBuilder.add("log_ent_coef", ParameterSet.Initializer.constant(Math.log(config.initialEntCoef())), 1);
        this.logEntCoef = entBuilder.build(arena, new Rng(0));
        this.entCoefOptimizer = config.learnsEntCoef()
            ? new Adam(logEntCoef, Adam.Config.adam(config.learningRate())) : null;

        this.noise = new HostNoise(arena, b, actionDim);
        this.nextNoise = new HostNoise(arena, b, actionDim);
        this.current = new SquashedGaussian(arena, actor.bind(new Binding(arena, b, true), deviceBatch.observations,
            null), b, actionDim, true);
        this.next = new SquashedGaussian(arena, actor.bind(new Binding(arena, b, false),
            deviceBatch.nextObservations, null), b, actionDim, false);
        this.entCoef = arena.zeros(1);
        entCoef.copy_(logEntCoef.values()).exp_();
        this.logProbWeight = arena.zeros(1);
        this.inverseBatch = arena.constant(1.0 / b);
        this.logProbRow = arena.own(current.logProb().view(1, b));
        this.onesBatch = arena.full(1.0, b);
        this.targetEntropy = arena.constant(config.targetEntropyFor(actionDim));
        this.minusInverseBatch = arena.scalar(-1.0 / b);
    }

    /** SAC explores by sampling its policy: the schedule is the constant 1 ("stochastic"). */
    @Override
    public Schedule explorationSchedule(long totalSteps) {
        return Schedule.constant(1.0);
    }

    /** One SAC update from {@link #batch()} (see the class comment for its phases). */
    @Override
    void updateBelowAutograd() {
        deviceBatch.upload();
        // 1. a ~ pi(s) by reparameterization; kept for the actor loss at the end.
        noise.fill(parts.updateRng, 1.0, Double.POSITIVE_INFINITY);
        current.sample(noise.tensor());

        // 2. temperature: d/d log alpha of -(log alpha (log pi + H)).mean() is -(mean(log pi) + H).
        entCoef.copy_(logEntCoef.values()).exp_();
        if (entCoefOptimizer != null) {
            logEntCoef.gradients().addmv_(logProbRow, onesBatch, NativeConstants.ZERO, minusInverseBatch)
                .sub_(targetEntropy);
            entCoefOptimizer.step();
        }

        // 3. soft TD target with a' ~ pi(s') and the target critics.
        nextNoise.fill(parts.updateRng, 1.0, Double.POSITIVE_INFINITY);
        next.sample(nextNoise.tensor());
        critics.nextObservations.copy_(deviceBatch.nextObservations);
        critics.nextActions.copy_(next.action());
        Tensor nextValue = critics.targetMinimum().addcmul_(next.logProb(), entCoef, NativeConstants.MINUS_ONE);
        critics.tdTarget().copy_(nextValue).mul_(deviceBatch.discounts).add_(deviceBatch.rewards);

        // 4. critics on the replayed actions.
        critics.observations.copy_(deviceBatch.observations);
        critics.actions.copy_(deviceBatch.actions);
        critics.update();

        // 5. actor: mean(alpha log pi - min(Q1, Q2)) through the updated critics at a ~ pi(s).
        critics.policyObservations.copy_(deviceBatch.observations);
        critics.policyActions.copy_(current.action());
        Tensor gradAction = critics.policyGradient();
        logProbWeight.copy_(entCoef).mul_(inverseBatch);
        current.backward(gradAction, logProbWeight);
        actorOptimizer.step();

        // 6. target critics.
        parts.updates++;
        if (parts.updates % config.targetUpdateInterval() == 0) {
            critics.updateTarget();
        }
    }

    /** The entropy coefficient alpha used by the last update (or the initial one before any). */
    public double entCoef() {
        return parts.arena.download(entCoef, 1)[0];
    }

    /** Flat actor weights (tests, checkpoints). */
    public float[] actorWeights() {
        return actorParameters.toArray();
    }

    ParameterSet actorParameters() {
        return actorParameters;
    }

    ParameterSet logEntCoefParameters() {
        return logEntCoef;
    }

    TwinCritics critics() {
        return critics;
    }

    /** The standard-normal noise of the last update: for a' ~ pi(s') ({@code next}) or a ~ pi(s). */
    Tensor lastNoise(boolean nextObservations) {
        return nextObservations ? nextNoise.tensor() : noise.tensor();
    }

    /**
     * Acting for {@code rows} observations in off-heap memory: one batched actor pass, then in Java
     * {@code tanh(mu + std * eps)} with the agent's own seeded generator when exploring
     * ({@code exploration > 0}), or {@code tanh(mu)} (deterministic evaluation). Allocates nothing.
     */
    @Override
    public BoundPolicy policy(UnsafeBuffer observationRows, int rows) {
        return parts.policy(actor, observationRows, rows, (output, n, actionsOut, exploration, rng) ->
            SquashedGaussian.act(output, n, parts.actionDim, actionsOut, exploration > 0, rng));
    }

    /** Algorithm name in checkpoints. */
    public static final String ALGORITHM = NAME;
    /** Checkpoint layout version this class writes and reads. */
    public static final int CHECKPOINT_VERSION = 1;

    /**
     * Writes a checkpoint directory: {@code model.safetensors} holds the actor ({@code actor.*}), the
     * critics ({@code critic.q1.*}, {@code critic.q2.*}) and {@code log_ent_coef}; the state file the
     * target critics, the three Adam states, the update count and both generators, so that
     * {@link #load} resumes bit-identically.
     */
    public void save(Path dir) {
        SafeTensorsFile.Writer model = new SafeTensorsFile.Writer();
        SafeTensorsFile.Writer state = new SafeTensorsFile.Writer();
        AgentCheckpoints.writeParameters(model, "", actorParameters);
        AgentCheckpoints.writeParameters(model, "", logEntCoef);
        AgentCheckpoints.writeOptimizer(state, "actor_adam.", actorOptimizer, actorParameters.size());
        if (entCoefOptimizer != null) {
            AgentCheckpoints.writeOptimizer(state, "ent_coef_adam.", entCoefOptimizer, logEntCoef.size());
        }
        parts.save(dir, CHECKPOINT_VERSION, config, model, state);
    }

    /** Loads a checkpoint written by {@link #save} onto the CPU. */
    public static SacAgent load(Path dir) {
        return load(dir, ComputeDevice.CPU);
    }

    /** Loads a checkpoint written by {@link #save}; every tensor's name, shape and finiteness is checked. */
    public static SacAgent load(Path dir, ComputeDevice device) {
        return AgentCheckpoints.load(dir, ALGORITHM, CHECKPOINT_VERSION, Config.class,
            (observations, actions, config) -> new SacAgent(observations, actions, config, device),
            SacAgent::restore);
    }

    private void restore(CheckpointFiles.Checkpoint checkpoint) {
        AgentCheckpoints.readParameters(checkpoint.model(), "", actorParameters);
        AgentCheckpoints.readParameters(checkpoint.model(), "", logEntCoef);
        parts.restore(checkpoint);
        AgentCheckpoints.readOptimizer(checkpoint.state(), "actor_adam.", actorOptimizer, actorParameters.size());
        if (entCoefOptimizer != null) {
            AgentCheckpoints.readOptimizer(checkpoint.state(), "ent_coef_adam.", entCoefOptimizer, logEntCoef.size());
        }
        entCoef.copy_(logEntCoef.values()).exp_();
    }

    @Override
    public void close() {
        if (entCoefOptimizer != null) {
            entCoefOptimizer.close();
        }
        actorOptimizer.close();
        super.close();
    }
}

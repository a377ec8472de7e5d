package io.rltrader.agent;

import io.rltrader.memory.ActionSpec;
import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.Adam;
import io.rltrader.nn.Binding;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.GradientClipper;
import io.rltrader.nn.LayerPass;
import io.rltrader.nn.NativeConstants;
import io.rltrader.nn.NativeRuntime;
import io.rltrader.nn.RegressionLoss;
import io.rltrader.nn.Schedule;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import io.rltrader.nn.CheckpointFiles;
import io.rltrader.nn.SafeTensorsFile;
import java.nio.file.Path;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Deep Q-learning (Mnih et al. 2015) with the usual extensions, each a switch in {@link Config}:
 * Double DQN (van Hasselt et al. 2016: the online network picks the next action, the target network
 * values it), the dueling head (Wang et al. 2016), n-step returns and prioritized replay (through
 * the replay buffer that fills {@link #batch()}), Huber or MSE loss, global gradient clipping, and a
 * target network synced by hard copy or Polyak averaging every {@code targetUpdateInterval} updates.
 *
 * <p>Phases, CleanRL style: {@link #policy} acts for N environments in one call (epsilon-greedy);
 * the training loop stores transitions and samples {@link #batch()}; {@link #update()} computes
 * targets, the loss and its hand-written gradient, clips, and takes an Adam step. Every tensor is
 * made in the constructor, so acting and updating allocate nothing on the Java heap.
 */
public final class DqnAgent implements OffPolicyAgent {
    /**
     * Every hyperparameter, with SB3-like names.
     *
     * @param hidden               hidden layer widths (dueling: trunk width, then stream width)
     * @param doubleQ              Double DQN targets
     * @param dueling              dueling head
     * @param learningRate         Adam learning rate
     * @param gamma                discount (also used by the replay buffer's n-step sums)
     * @param bufferSize           replay capacity in transitions
     * @param batchSize            transitions per update
     * @param learningStarts       env steps (per env copy counted once each) before the first update
     * @param trainFrequency       vectorized env steps between update rounds
     * @param gradientSteps        updates per round
     * @param targetUpdateInterval updates between target-network syncs
     * @param tau                  1 for a hard copy, in (0, 1) for Polyak averaging
     * @param exploration          "linear" (over explorationFraction of the run) or "exponential"
     * @param epsilonStart         initial exploration rate
     * @param epsilonEnd           final exploration rate
     * @param explorationFraction  linear: fraction of total env steps to reach epsilonEnd
     * @param epsilonDecay         exponential: factor per vectorized env step
     * @param loss                 "mse" or "huber"
     * @param huberDelta           Huber threshold
     * @param maxGradNorm          global gradient-norm clip; 0 disables it
     * @param nStep                n-step returns (1 = plain TD)
     * @param prioritized          proportional prioritized replay
     * @param priorityAlpha        priority exponent
     * @param priorityBetaStart    initial importance-sampling exponent, annealed to 1
     * @param seed                 run seed: weights, exploration and replay sampling derive from it
     */
    public record Config(int[] hidden, boolean doubleQ, boolean dueling, double learningRate, double gamma,
                         int bufferSize, int batchSize, int learningStarts, int trainFrequency, int gradientSteps,
                         int targetUpdateInterval, double tau, String exploration, double epsilonStart,
                         double epsilonEnd, double explorationFraction, double epsilonDecay, String loss,
                         double huberDelta, double maxGradNorm, int nStep, boolean prioritized,
                         double priorityAlpha, double priorityBetaStart, long seed) {
        public Config {
            hidden = hidden == null ? new int[] {128, 128} : hidden.clone();
            for (int width : hidden) {
                require(width > 0, "hidden", "widths must be positive, got " + Arrays.toString(hidden));
            }
            require(learningRate > 0 && Double.isFinite(learningRate), "learningRate", "must be > 0, got " + learningRate);
            require(gamma >= 0 && gamma <= 1, "gamma", "must be in [0, 1], got " + gamma);
            require(bufferSize > 0, "bufferSize", "must be > 0, got " + bufferSize);
            require(batchSize > 0, "batchSize", "must be > 0, got " + batchSize);
            require(batchSize <= bufferSize, "batchSize", "must not exceed bufferSize " + bufferSize);
            require(learningStarts >= 0, "learningStarts", "must be >= 0, got " + learningStarts);
            require(trainFrequency > 0, "trainFrequency", "must be > 0, got " + trainFrequency);
            require(gradientSteps > 0, "gradientSteps", "must be > 0, got " + gradientSteps);
            require(targetUpdateInterval > 0, "targetUpdateInterval", "must be > 0, got " + targetUpdateInterval);
            require(tau > 0 && tau <= 1, "tau", "must be in (0, 1], got " + tau);
            require("linear".equals(exploration) || "exponential".equals(exploration), "exploration",
                "must be linear or exponential, got " + exploration);
            require(epsilonStart >= 0 && epsilonStart <= 1 && epsilonEnd >= 0 && epsilonEnd <= 1, "epsilonStart/epsilonEnd",
                "must be in [0, 1]");
            require(explorationFraction > 0 && explorationFraction <= 1, "explorationFraction",
                "must be in (0, 1], got " + explorationFraction);
            require(epsilonDecay > 0 && epsilonDecay <= 1, "epsilonDecay", "must be in (0, 1], got " + epsilonDecay);
            RegressionLoss.Kind.parse(loss);
            require(huberDelta > 0, "huberDelta", "must be > 0, got " + huberDelta);
            require(maxGradNorm >= 0, "maxGradNorm", "must be >= 0 (0 disables clipping), got " + maxGradNorm);
            require(nStep >= 1, "nStep", "must be >= 1, got " + nStep);
            require(priorityAlpha >= 0, "priorityAlpha", "must be >= 0, got " + priorityAlpha);
            require(priorityBetaStart >= 0 && priorityBetaStart <= 1, "priorityBetaStart", "must be in [0, 1]");
        }

        /** Defaults close to Stable-Baselines3's DQN, scaled to trading-sized runs. */
        public static Config defaults() {
            return new Config(new int[] {128, 128}, false, false, 1e-3, 0.99, 100_000, 64, 1_000, 1, 1,
                500, 1.0, "linear", 1.0, 0.05, 0.3, 0.995, "huber", 1.0, 10.0, 1, false, 0.6, 0.4, 0L);
        }

        /**
         * The tutorial's DQNAgent: MLP 128-128, Adam 1e-3, gamma 0.99, epsilon 1 to 0.01 by x0.995,
         * buffer 10k, batch 64, MSE, gradient clip 1; the target network is synced every 1000
         * updates (the tutorial's sync "every tenth episode" fires every step of that episode).
         */
        public static Config tutorial() {
            return new Config(new int[] {128, 128}, false, false, 1e-3, 0.99, 10_000, 64, 64, 1, 1,
                1_000, 1.0, "exponential", 1.0, 0.01, 0.3, 0.995, "mse", 1.0, 1.0, 1, false, 0.6, 0.4, 0L);
        }

        public Config withSeed(long value) {
            return new Config(hidden, doubleQ, dueling, learningRate, gamma, bufferSize, batchSize, learningStarts,
                trainFrequency, gradientSteps, targetUpdateInterval, tau, exploration, epsilonStart, epsilonEnd,
                explorationFraction, epsilonDecay, loss, huberDelta, maxGradNorm, nStep, prioritized, priorityAlpha,
                priorityBetaStart, value);
        }

        public Config withVariant(boolean useDouble, boolean useDueling) {
            return new Config(hidden, useDouble, useDueling, learningRate, gamma, bufferSize, batchSize,
                learningStarts, trainFrequency, gradientSteps, targetUpdateInterval, tau, exploration, epsilonStart,
                epsilonEnd, explorationFraction, epsilonDecay, loss, huberDelta, maxGradNorm, nStep, prioritized,
                priorityAlpha, priorityBetaStart, seed);
        }

        /** The exploration schedule over vectorized env steps for a run of {@code totalSteps}. */
        public Schedule explorationSchedule(long totalSteps) {
            return "linear".equals(exploration)
                ? Schedule.linear(epsilonStart, epsilonEnd, Math.max(1, (long) (explorationFraction * totalSteps)))
                : Schedule.exponential(epsilonStart, epsilonEnd, epsilonDecay);
        }

        private static void require(boolean ok, String field, String message) {
            if (!ok) {
                throw new UserInputException("dqn config " + field + ": " + message);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Config c && Arrays.equals(hidden, c.hidden) && toString().equals(c.toString());
        }

        @Override
        public int hashCode() {
            return toString().hashCode();
        }

        @Override
        public String toString() {
            return "Config[hidden=" + Arrays.toString(hidden) + ", doubleQ=" + doubleQ + ", dueling=" + dueling
                + ", learningRate=" + learningRate + ", gamma=" + gamma + ", bufferSize=" + bufferSize
                + ", batchSize=" + batchSize + ", learningStarts=" + learningStarts + ", trainFrequency="
                + trainFrequency + ", gradientSteps=" + gradientSteps + ", targetUpdateInterval="
                + targetUpdateInterval + ", tau=" + tau + ", exploration=" + exploration + ", epsilonStart="
                + epsilonStart + ", epsilonEnd=" + epsilonEnd + ", explorationFraction=" + explorationFraction
                + ", epsilonDecay=" + epsilonDecay + ", loss=" + loss + ", huberDelta=" + huberDelta
                + ", maxGradNorm=" + maxGradNorm + ", nStep=" + nStep + ", prioritized=" + prioritized
                + ", priorityAlpha=" + priorityAlpha + ", priorityBetaStart=" + priorityBetaStart + ", seed="
                + seed + "]";
        }
    }

    private final Config config;
    private final int observations;
    private final int actions;
    private final DeviceTensors arena;
    private final QNetwork online;
    private final QNetwork target;
    private final Adam optimizer;
    private final GradientClipper clipper;
    private final TransitionBatch batch;
    private final Rng explorationRng;

    private final Tensor obs;
    private final Tensor nextObs;
    private final Tensor actionIndex;
    private final Tensor rewards;
    private final Tensor discounts;
    private final Tensor weights;
    private final Tensor[] hostToDevice;

    private final LayerPass onlinePass;
    private final LayerPass targetNextPass;
    private final LayerPass onlineNextPass;
    private final Tensor[] targetColumns;
    private final Tensor[] onlineNextColumns;
    private final Tensor onehot;
    private final Tensor scratch;
    private final Tensor selected;
    private final Tensor onesActions;
    private final Tensor nextValue;
    private final Tensor nextValueColumn;
    private final Tensor nextValueRows;
    private final Tensor tieCount;
    private final Tensor qTaken;
    private final Tensor tdTarget;
    private final Tensor gradQTaken;
    private final Tensor gradQTakenRows;
    private final Tensor tdErrorsOut;
    private final RegressionLoss loss;
    private final Scalar polyakTau;
    private long updates;

    /** A new agent for observations of {@code observations} floats and {@code actions} discrete actions, on the CPU. */
    public DqnAgent(int observations, int actions, Config config) {
        this(observations, actions, config, ComputeDevice.CPU);
    }

    public DqnAgent(int observations, int actions, Config config, ComputeDevice device) {
        if (observations <= 0) {
            throw new UserInputException("dqn: observation size must be positive, got " + observations);
        }
        if (actions < 2) {
            throw new UserInputException("dqn: needs at least 2 discrete actions, got " + actions);
        }
        NativeRuntime.init();
        NativeRuntime.flushDenormalsOnThisThread();
        this.config = config;
        this.observations = observations;
        this.actions = actions;
        this.arena = new DeviceTensors(device);
        this.online = new QNetwork(arena, observations, config.hidden(), actions, config.dueling(),
            Rng.split(config.seed(), 101));
        this.target = new QNetwork(arena, observations, config.hidden(), actions, config.dueling(),
            Rng.split(config.seed(), 101));
        target.parameters.copyFrom(online.parameters);
        this.optimizer = new Adam(online.parameters, Adam.Config.adam(config.learningRate()));
        this.clipper = config.maxGradNorm() > 0 ? new GradientClipper(online.parameters, config.maxGradNorm()) : null;
        this.explorationRng = Rng.split(config.seed(), 102);
        int b = config.batchSize();
        this.batch = new TransitionBatch(b, observations, ActionSpec.discreteIndex());

        if (device.isCuda()) {
            obs = arena.zeros(b, observations);
            nextObs = arena.zeros(b, observations);
            actionIndex = arena.zerosLong(b, 1);
            rewards = arena.zeros(b);
            discounts = arena.zeros(b);
            weights = arena.zeros(b);
            hostToDevice = new Tensor[] {
                obs, batch.observations(), nextObs, batch.nextObservations(),
                actionIndex, arena.own(batch.actions().view(b, 1)), rewards, batch.rewards(),
                discounts, batch.discounts(), weights, batch.weights()};
            tdErrorsOut = arena.zeros(b);
        } else {
            obs = batch.observations();
            nextObs = batch.nextObservations();
            actionIndex = arena.own(batch.actions().view(b, 1));
            rewards = batch.rewards();
            discounts = batch.discounts();
            weights = batch.weights();
            hostToDevice = new Tensor[0];
            tdErrorsOut = batch.tdErrors();
        }

        onlinePass = online.layer.bind(new Binding(arena, b, true), obs, null);
        targetNextPass = target.layer.bind(new Binding(arena, b, false), nextObs, null);
        onlineNextPass = config.doubleQ() ? online.layer.bind(new Binding(arena, b, false), nextObs, null) : null;
        targetColumns = columns(targetNextPass.output());
        onlineNextColumns = config.doubleQ() ? columns(onlineNextPass.output()) : null;
        onehot = arena.zeros(b, actions);
        scratch = arena.zeros(b, actions);
        selected = arena.zeros(b, actions);
        onesActions = arena.full(1.0, actions);
        nextValue = arena.zeros(b);
        nextValueColumn = arena.own(nextValue.view(b, 1));
        nextValueRows = arena.own(nextValueColumn.expand(b, actions));
        tieCount = arena.zeros(b);
        qTaken = arena.zeros(b);
        tdTarget = arena.zeros(b);
        gradQTaken = arena.zeros(b);
        gradQTakenRows = arena.own(arena.own(gradQTaken.view(b, 1)).expand(b, actions));
        loss = new RegressionLoss(arena, RegressionLoss.Kind.parse(config.loss()), config.huberDelta(), qTaken,
            tdTarget, config.prioritized() ? weights : null, gradQTaken, b);
        polyakTau = arena.scalar(config.tau());
    }

    private Tensor[] columns(Tensor values) {
        Tensor[] out = new Tensor[actions];
        for (int a = 0; a < actions; a++) {
            out[a] = arena.own(values.narrow(1, a, 1));
        }
        return out;
    }

    public Config config() {
        return config;
    }

    @Override
    public ReplaySettings replaySettings() {
        return new ReplaySettings(config.bufferSize(), config.batchSize(), config.learningStarts(),
            config.trainFrequency(), config.gradientSteps(), config.nStep(), config.gamma(), config.prioritized(),
            config.priorityAlpha(), config.priorityBetaStart(), config.seed());
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
        return batch;
    }

    /** Gradient updates taken so far. */
    @Override
    public long updates() {
        return updates;
    }

    /**
     * One gradient update from {@link #batch()}: TD targets from the target network (Double DQN: at
     * the online network's greedy action), loss on Q(s, a), backward, clip, Adam step, target sync.
     * Writes {@code Q(s,a) - target} into the batch's TD errors for prioritized replay.
     */
    @Override
    public void update() {
        for (int i = 0; i < hostToDevice.length; i += 2) {
            hostToDevice[i].copy_(hostToDevice[i + 1]);
        }
        targetNextPass.forward();
        if (config.doubleQ()) {
            onlineNextPass.forward();
            columnMax(onlineNextColumns);
            // Mask of the online greedy action(s); on an exact tie the tied target values are averaged.
            selected.copy_(onlineNextPass.output()).eq_(nextValueRows);
            scratch.copy_(selected).mul_(targetNextPass.output());
            nextValue.addmv_(scratch, onesActions, ZERO, ONE);
            tieCount.addmv_(selected, onesActions, ZERO, ONE);
            nextValue.div_(tieCount);
        } else {
            columnMax(targetColumns);
        }
        tdTarget.copy_(nextValue).mul_(discounts).add_(rewards);

        onehot.zero_().scatter_(1, actionIndex, ONE);
        onlinePass.forward();
        scratch.copy_(onlinePass.output()).mul_(onehot);
        qTaken.addmv_(scratch, onesActions, ZERO, ONE);
        loss.compute();
        onlinePass.gradOutput().copy_(onehot).mul_(gradQTakenRows);
        onlinePass.backward(true);
        if (clipper != null) {
            clipper.clip();
        }
        optimizer.step();
        updates++;
        if (updates % config.targetUpdateInterval() == 0) {
            if (config.tau() >= 1.0) {
                target.parameters.copyFrom(online.parameters);
            } else {
                target.parameters.polyakFrom(online.parameters, polyakTau);
            }
        }
        tdErrorsOut.copy_(loss.error());
        if (tdErrorsOut != batch.tdErrors()) {
            batch.tdErrors().copy_(tdErrorsOut);
        }
    }

    private void columnMax(Tensor[] columns) {
        nextValueColumn.copy_(columns[0]);
        for (int a = 1; a < columns.length; a++) {
            nextValueColumn.clamp_min_(columns[a]);
        }
    }

    /** Algorithm name in checkpoints. */
    public static final String ALGORITHM = "dqn";
    /** Checkpoint layout version this class writes and reads. */
    public static final int CHECKPOINT_VERSION = 1;

    /**
     * Writes a checkpoint directory (see {@link CheckpointFiles}): {@code config.json} with the sizes
     * and this config, {@code model.safetensors} with the online network under its layer names
     * ({@code q.0.weight}, ...), and {@code state.safetensors} with the target network, Adam's moments
     * and step, the update count and the exploration generator, so that {@link #load} resumes
     * bit-identically.
     */
    public void save(Path dir) {
        SafeTensorsFile.Writer model = new SafeTensorsFile.Writer();
        AgentCheckpoints.writeParameters(model, "", online.parameters);
        SafeTensorsFile.Writer state = new SafeTensorsFile.Writer();
        AgentCheckpoints.writeParameters(state, "target.", target.parameters);
        AgentCheckpoints.writeOptimizer(state, "adam.", optimizer, online.parameters.size());
        state.add("updates", new long[0], new long[] {updates});
        AgentCheckpoints.writeRng(state, "rng.exploration", explorationRng);
        AgentCheckpoints.write(dir, ALGORITHM, CHECKPOINT_VERSION, observations, actions, config, model, state);
    }

    /** Loads a checkpoint written by {@link #save} onto the CPU. */
    public static DqnAgent load(Path dir) {
        return load(dir, ComputeDevice.CPU);
    }

    /** Loads a checkpoint written by {@link #save}; every tensor's name, shape and finiteness is checked. */
    public static DqnAgent load(Path dir, ComputeDevice device) {
        return AgentCheckpoints.load(dir, ALGORITHM, CHECKPOINT_VERSION, Config.class,
            (observations, actions, config) -> new DqnAgent(observations, actions, config, device),
            (agent, checkpoint) -> {
                AgentCheckpoints.readParameters(checkpoint.model(), "", agent.online.parameters);
                AgentCheckpoints.readParameters(checkpoint.state(), "target.", agent.target.parameters);
                AgentCheckpoints.readOptimizer(checkpoint.state(), "adam.", agent.optimizer,
                    agent.online.parameters.size());
                agent.updates = AgentCheckpoints.readLong(checkpoint.state(), "updates");
                AgentCheckpoints.readRng(checkpoint.state(), "rng.exploration", agent.explorationRng);
            });
    }

    /** The loss of the last update (a device-to-host read on CUDA). */
    @Override
    public float lastLoss() {
        return loss.valueOnHost();
    }

    /** The global gradient norm before clipping in the last update, or NaN without clipping. */
    public double lastGradientNorm() {
        return clipper == null ? Double.NaN : clipper.lastNorm();
    }

    /** Explores with the agent's own seeded generator. */
    @Override
    public Policy policy(UnsafeBuffer observationRows, int rows) {
        return new Policy(observationRows, rows);
    }

    /** Flat online-network weights (tests, checkpoints). */
    public float[] onlineWeights() {
        return online.parameters.toArray();
    }

    /** Flat target-network weights (tests, checkpoints). */
    public float[] targetWeights() {
        return target.parameters.toArray();
    }

    io.rltrader.nn.ParameterSet onlineParameters() {
        return online.parameters;
    }

    io.rltrader.nn.ParameterSet targetParameters() {
        return target.parameters;
    }

    /**
     * Epsilon-greedy acting for {@code rows} observations that live in off-heap memory (an env's
     * observation buffer): one batched forward pass, then a Java argmax per row. Bound once to that
     * memory; {@link #act} allocates nothing.
     */
    public final class Policy implements DiscretePolicy {
        private final int rows;
        private final RowsForward network;

        private Policy(UnsafeBuffer observationRows, int rows) {
            this.rows = rows;
            this.network = new RowsForward(online.layer, arena.device(), observationRows, rows);
        }

        /** Writes one int32 action per row into {@code actionsOut}: greedy, or uniform with probability epsilon. */
        @Override
        public void act(UnsafeBuffer actionsOut, double epsilon) {
            GreedyPolicy.act(network.forward(), rows, actions, actionsOut, epsilon, explorationRng);
        }

        /** Runs the network and returns host-readable Q-values [rows, actions] (float32). */
        public UnsafeBuffer forward() {
            return network.forward();
        }

        @Override
        public void close() {
            network.close();
        }
    }

    @Override
    public void close() {
        if (clipper != null) {
            clipper.close();
        }
        optimizer.close();
        batch.close();
        arena.close();
    }

    private static final Scalar ZERO = NativeConstants.ZERO;
    private static final Scalar ONE = NativeConstants.ONE;
}

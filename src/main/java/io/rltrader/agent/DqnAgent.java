package io.rltrader.agent;

import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.Adam;
import io.rltrader.nn.Binding;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.Kernels;
import io.rltrader.nn.LayerPass;
import io.rltrader.nn.NativeConstants;
import io.rltrader.nn.RegressionLoss;
import java.nio.file.Path;
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
 *
 * <p>Between the matrix products an update works on B x A values (TD targets, the taken actions'
 * values, the loss and its gradient). On the CPU ({@link Kernels#CPU_FUSED}) that is one Java pass
 * over the tensors' host memory, and Adam (with the clipping) is LibTorch's fused kernel; on CUDA
 * ({@link Kernels#TENSOR_OPS}) it is about twenty small tensor ops and Adam is eight. The CPU runs the
 * CUDA path too when asked (the tests compare both with an autograd reference).
 */
public final class DqnAgent extends ValueAgent<DqnAgent.Config, QNetwork> {
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
                         double priorityAlpha, double priorityBetaStart, long seed) implements ValueAgentConfig {
        public Config {
            hidden = hidden == null ? new int[] {128, 128} : hidden.clone();
            ConfigChecks.requirePositiveWidths("dqn", "hidden", hidden);
            ConfigChecks.offPolicy("dqn", learningRate, gamma, bufferSize, batchSize, learningStarts, trainFrequency,
                gradientSteps, targetUpdateInterval, tau, exploration, epsilonStart, epsilonEnd, explorationFraction,
                epsilonDecay, maxGradNorm, nStep, priorityAlpha, priorityBetaStart);
            RegressionLoss.Kind.parse(loss);
            ConfigChecks.require("dqn", huberDelta > 0, "huberDelta", "must be > 0, got " + huberDelta);
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

        @Override
        public boolean equals(Object o) {
            return o instanceof Config c && toString().equals(c.toString());
        }

        @Override
        public int hashCode() {
            return toString().hashCode();
        }

        @Override
        public String toString() {
            return ConfigChecks.describe(this);
        }
    }

    private final LayerPass onlinePass;
    private final LayerPass targetNextPass;
    private final LayerPass onlineNextPass;
    private final GreedyMask targetGreedy;
    private final GreedyMask onlineNextGreedy;
    private final Tensor onehot;
    private final Tensor scratch;
    private final Tensor onesActions;
    private final Tensor nextValue;
    private final Tensor qTaken;
    private final Tensor tdTarget;
    private final Tensor gradQTaken;
    private final Tensor gradQTakenRows;
    private final RegressionLoss loss;
    private final UnsafeBuffer onlineValues;
    private final UnsafeBuffer targetNextValues;
    private final UnsafeBuffer onlineNextValues;
    private final UnsafeBuffer onlineGradient;
    private final UnsafeBuffer takenValues;
    private final UnsafeBuffer targetValues;
    private final UnsafeBuffer takenGradient;
    private final UnsafeBuffer lossWeights;
    private final UnsafeBuffer lossErrors;

    /** A new agent for observations of {@code observations} floats and {@code actions} discrete actions, on the CPU. */
    public DqnAgent(int observations, int actions, Config config) {
        this(observations, actions, config, ComputeDevice.CPU);
    }

    public DqnAgent(int observations, int actions, Config config, ComputeDevice device) {
        this(observations, actions, config, device, Kernels.defaultFor(device));
    }

    /** With the given kernels: {@link Kernels#TENSOR_OPS} on the CPU runs the CUDA code path (tests). */
    DqnAgent(int observations, int actions, Config config, ComputeDevice device, Kernels kernels) {
        super(ALGORITHM, observations, actions, config, device, kernels,
            (arena, rng) -> new QNetwork(arena, observations, config.hidden(), actions, config.dueling(), rng),
            network -> network.parameters);
        int b = config.batchSize();

        onlinePass = online.layer.bind(new Binding(arena, b, true), batch.observations, null);
        targetNextPass = target.layer.bind(new Binding(arena, b, false), batch.nextObservations, null);
        onlineNextPass = config.doubleQ()
            ? online.layer.bind(new Binding(arena, b, false), batch.nextObservations, null) : null;
        qTaken = arena.zeros(b);
        tdTarget = arena.zeros(b);
        gradQTaken = arena.zeros(b);
        RegressionLoss.Kind lossKind = RegressionLoss.Kind.parse(config.loss());
        if (kernels == Kernels.CPU_FUSED) {
            targetGreedy = null;
            onlineNextGreedy = null;
            onehot = null;
            scratch = null;
            onesActions = null;
            nextValue = null;
            gradQTakenRows = null;
            // The loss reads the importance weights from a copy in this arena's host memory.
            Tensor weights = config.prioritized() ? arena.zeros(b) : null;
            loss = new RegressionLoss(arena, lossKind, config.huberDelta(), qTaken, tdTarget, weights, gradQTaken, b,
                kernels);
            onlineValues = arena.host(onlinePass.output());
            targetNextValues = arena.host(targetNextPass.output());
            onlineNextValues = config.doubleQ() ? arena.host(onlineNextPass.output()) : null;
            onlineGradient = arena.host(onlinePass.gradOutput());
            takenValues = arena.host(qTaken);
            targetValues = arena.host(tdTarget);
            takenGradient = arena.host(gradQTaken);
            lossWeights = weights == null ? null : arena.host(weights);
            lossErrors = arena.host(loss.error());
        } else {
            targetGreedy = new GreedyMask(arena, targetNextPass.output());
            onlineNextGreedy = config.doubleQ() ? new GreedyMask(arena, onlineNextPass.output()) : null;
            onehot = arena.zeros(b, actions);
            scratch = arena.zeros(b, actions);
            onesActions = arena.full(1.0, actions);
            nextValue = arena.zeros(b);
            gradQTakenRows = arena.own(arena.own(gradQTaken.view(b, 1)).expand(b, actions));
            loss = new RegressionLoss(arena, lossKind, config.huberDelta(), qTaken, tdTarget,
                config.prioritized() ? batch.weights : null, gradQTaken, b, kernels);
            onlineValues = null;
            targetNextValues = null;
            onlineNextValues = null;
            onlineGradient = null;
            takenValues = null;
            targetValues = null;
            takenGradient = null;
            lossWeights = null;
            lossErrors = null;
        }
    }

    /**
     * TD targets from the target network (Double DQN: at the online network's greedy action), loss
     * on Q(s, a), its gradient, backward, clip, Adam step, target sync. With prioritized replay,
     * writes {@code Q(s,a) - target} into the batch's TD errors.
     */
    @Override
    void updateBelowAutograd() {
        batch.upload();
        targetNextPass.forward();
        if (config.doubleQ()) {
            onlineNextPass.forward();
        }
        onlinePass.forward();
        if (kernels == Kernels.CPU_FUSED) {
            targetsAndTakenValuesOnHost();
            loss.compute();
            scatterLossGradientOnHost();
        } else {
            targetsAndTakenValuesWithTensorOps();
            loss.compute();
            onlinePass.gradOutput().copy_(onehot).mul_(gradQTakenRows);
        }
        onlinePass.backward(true);
        optimization.step();
        if (config.prioritized()) {
            if (kernels == Kernels.CPU_FUSED) {
                batch.host.tdErrorsMemory().putBytes(0, lossErrors, 0, config.batchSize() * Float.BYTES);
            } else {
                batch.publishTdErrors(loss.error());
            }
        }
    }

    /** TD targets into {@code tdTarget} and Q(s, a) of the taken actions into {@code qTaken}, as tensor ops. */
    private void targetsAndTakenValuesWithTensorOps() {
        if (config.doubleQ()) {
            // The target network's value at the online greedy action; exact ties are averaged.
            scratch.copy_(onlineNextGreedy.computeMask()).mul_(targetNextPass.output());
            nextValue.addmv_(scratch, onesActions, ZERO, ONE);
        } else {
            nextValue.copy_(targetGreedy.computeMax());
        }
        tdTarget.copy_(batch.rewards).addcmul_(nextValue, batch.discounts);
        batch.writeOneHot(onehot);
        scratch.copy_(onlinePass.output()).mul_(onehot);
        qTaken.addmv_(scratch, onesActions, ZERO, ONE);
    }

    /**
     * The same as {@link #targetsAndTakenValuesWithTensorOps()} in one Java pass over host memory:
     * {@code y = r + discount * V'(s')} with V' the target network's maximum (Double DQN: its value at
     * the online network's greedy action, exact ties averaged as {@link GreedyMask} does), and
     * {@code Q(s, a)}. Also copies the importance weights where the loss uses them.
     */
    private void targetsAndTakenValuesOnHost() {
        TransitionBatch sampled = batch.host;
        UnsafeBuffer rewards = sampled.rewardsMemory();
        UnsafeBuffer discounts = sampled.discountsMemory();
        for (int i = 0; i < config.batchSize(); i++) {
            int at = i * Float.BYTES;
            int row = i * actions;
            float next = config.doubleQ() ? valueAtGreedy(onlineNextValues, targetNextValues, row)
                : rowMaximum(targetNextValues, row);
            targetValues.putFloat(at, rewards.getFloat(at) + next * discounts.getFloat(at));
            takenValues.putFloat(at, onlineValues.getFloat((row + takenAction(i)) * Float.BYTES));
            if (lossWeights != null) {
                lossWeights.putFloat(at, sampled.weightsMemory().getFloat(at));
            }
        }
    }

    /** d loss / d Q(s, a) into the taken action's column of the online output's gradient, 0 elsewhere. */
    private void scatterLossGradientOnHost() {
        for (int i = 0; i < config.batchSize(); i++) {
            int row = i * actions;
            int taken = takenAction(i);
            float gradient = takenGradient.getFloat(i * Float.BYTES);
            for (int a = 0; a < actions; a++) {
                onlineGradient.putFloat((row + a) * Float.BYTES, a == taken ? gradient : 0f);
            }
        }
    }

    private int takenAction(int row) {
        return batch.takenAction(row, actions, ALGORITHM);
    }

    private float rowMaximum(UnsafeBuffer values, int row) {
        float max = values.getFloat(row * Float.BYTES);
        for (int a = 1; a < actions; a++) {
            max = Math.max(max, values.getFloat((row + a) * Float.BYTES));
        }
        return max;
    }

    private float valueAtGreedy(UnsafeBuffer chooser, UnsafeBuffer valuer, int row) {
        float max = rowMaximum(chooser, row);
        int ties = 0;
        for (int a = 0; a < actions; a++) {
            if (chooser.getFloat((row + a) * Float.BYTES) == max) {
                ties++;
            }
        }
        float weight = 1f / ties;
        float value = 0f;
        for (int a = 0; a < actions; a++) {
            if (chooser.getFloat((row + a) * Float.BYTES) == max) {
                value += weight * valuer.getFloat((row + a) * Float.BYTES);
            }
        }
        return value;
    }

    /** Algorithm name in checkpoints. */
    public static final String ALGORITHM = "dqn";
    /** Checkpoint layout version this class writes and reads. */
    public static final int CHECKPOINT_VERSION = ValueAgent.CHECKPOINT_VERSION;

    /** Loads a checkpoint written by {@link #save} onto the CPU. */
    public static DqnAgent load(Path dir) {
        return load(dir, ComputeDevice.CPU);
    }

    /** Loads a checkpoint written by {@link #save}; every tensor's name, shape and finiteness is checked. */
    public static DqnAgent load(Path dir, ComputeDevice device) {
        return AgentCheckpoints.loadValueAgent(dir, ALGORITHM, CHECKPOINT_VERSION, Config.class,
            (observations, actions, config) -> new DqnAgent(observations, actions, config, device),
            DqnAgent::restore);
    }

    /** The loss of the last update (a device-to-host read on CUDA). */
    @Override
    public float lastLoss() {
        return loss.valueOnHost();
    }

    /** See {@link ValueOptimization#nonFiniteTerm}. */
    @Override
    public String nonFiniteTerm() {
        return optimization.nonFiniteTerm("TD loss", lossValue);
    }

    /**
     * Epsilon-greedy on Q for {@code rows} observations in off-heap memory, exploring with the
     * agent's own seeded generator; one batched forward pass per {@code act}.
     */
    @Override
    public ActionValuePolicy policy(UnsafeBuffer observationRows, int rows) {
        return new ActionValuePolicy(arena.device(), observationRows, rows, observations, actions, explorationRng, null,
            (local, input, n, evaluationRng) -> {
                LayerPass pass = online.layer.bind(new Binding(local, n, false), input, null);
                return new ActionValuePolicy.Evaluation() {
                    @Override
                    public void forward() {
                        pass.forward();
                    }

                    @Override
                    public Tensor values() {
                        return pass.output();
                    }
                };
            });
    }

    private static final Scalar ZERO = NativeConstants.ZERO;
    private static final Scalar ONE = NativeConstants.ONE;
}

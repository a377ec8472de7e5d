package io.rltrader.agent;

import io.rltrader.nn.Binding;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.Kernels;
import io.rltrader.nn.LayerPass;
import io.rltrader.nn.NativeConstants;
import io.rltrader.nn.QuantileHuberLoss;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Quantile-regression DQN (Dabney et al. 2018): the network outputs N quantiles of the return
 * distribution per action at the fixed fractions {@code tau_i = (2i + 1) / 2N}, acts greedily on
 * their mean, and is trained with the quantile Huber loss towards
 * {@code T_j = r + gamma^n theta'_j(s', a*)}, the target network's quantiles at the greedy next action
 * (chosen by the target network, or Double-style by the online one).
 *
 * <p>Phases as {@link DqnAgent}: {@link #policy} acts for N environments in one call; the loop
 * samples {@link #batch()}; {@link #update()} computes the target quantiles, the loss and its
 * hand-written gradient, clips, takes an Adam step and syncs the target. The network's output
 * {@code [B, A * N]} is read as {@code [B, A, N]}; the taken action's quantiles are a batched product
 * {@code onehot [B, 1, A] x [B, A, N]}, the greedy next action's likewise with the greedy mask. Every
 * tensor is made in the constructor, so acting and updating allocate nothing on the Java heap.
 *
 * <p>On the CPU ({@link Kernels#CPU_FUSED}) the selections around the loss (greedy next action, target
 * quantiles, the taken action's quantiles and the scatter of their gradient, B x A x N values) are Java
 * loops and row copies over host memory, and Adam is the fused kernel; on CUDA ({@link Kernels#TENSOR_OPS})
 * they are the tensor ops above. The quantile loss is tensor ops on both.
 */
public final class QrDqnAgent extends ValueAgent<QrDqnAgent.Config, QNetwork> {
    /**
     * Every hyperparameter. {@code quantiles} is N and {@code kappa} the Huber threshold of the
     * quantile loss; {@code doubleQ} picks the next action with the online network; the rest mean
     * what they mean in {@link DqnAgent.Config}.
     */
    public record Config(int[] hidden, int quantiles, double kappa, boolean doubleQ, double learningRate,
                         double gamma, int bufferSize, int batchSize, int learningStarts, int trainFrequency,
                         int gradientSteps, int targetUpdateInterval, double tau, String exploration,
                         double epsilonStart, double epsilonEnd, double explorationFraction, double epsilonDecay,
                         double maxGradNorm, int nStep, boolean prioritized, double priorityAlpha,
                         double priorityBetaStart, long seed) implements ValueAgentConfig {
        public Config {
            hidden = hidden == null ? new int[] {256, 256} : hidden.clone();
            ConfigChecks.requirePositiveWidths("qr-dqn", "hidden", hidden);
            ConfigChecks.require("qr-dqn", quantiles >= 1, "quantiles", "must be >= 1, got " + quantiles);
            ConfigChecks.require("qr-dqn", kappa > 0 && Double.isFinite(kappa), "kappa", "must be > 0, got " + kappa);
            ConfigChecks.offPolicy("qr-dqn", learningRate, gamma, bufferSize, batchSize, learningStarts,
                trainFrequency, gradientSteps, targetUpdateInterval, tau, exploration, epsilonStart, epsilonEnd,
                explorationFraction, epsilonDecay, maxGradNorm, nStep, priorityAlpha, priorityBetaStart);
        }

        /**
         * The tutorial's quantile network sizes (hidden 256, 51 quantiles, kappa 1) with
         * {@link DqnAgent.Config#defaults()}'s replay, exploration and optimizer settings.
         */
        public static Config defaults() {
            return new Config(new int[] {256, 256}, 51, 1.0, false, 1e-3, 0.99, 100_000, 64, 1_000, 1, 1, 500, 1.0,
                "linear", 1.0, 0.05, 0.3, 0.995, 10.0, 1, false, 0.6, 0.4, 0L);
        }

        public Config withSeed(long value) {
            return new Config(hidden, quantiles, kappa, doubleQ, learningRate, gamma, bufferSize, batchSize,
                learningStarts, trainFrequency, gradientSteps, targetUpdateInterval, tau, exploration, epsilonStart,
                epsilonEnd, explorationFraction, epsilonDecay, maxGradNorm, nStep, prioritized, priorityAlpha,
                priorityBetaStart, value);
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

    private final int quantiles;

    private final LayerPass onlinePass;
    private final LayerPass targetNextPass;
    private final LayerPass onlineNextPass;
    private final Tensor taus;
    private final Tensor onesQuantiles;
    private final Scalar quantileMean;
    private final Tensor selectionQuantiles;
    private final Tensor nextMeans;
    private final Tensor nextMeansFlat;
    private final GreedyMask greedyNext;
    private final Tensor greedyMaskRows;
    private final Tensor targetNextCube;
    private final Tensor nextQuantiles;
    private final Tensor nextQuantilesRows;
    private final Tensor discountColumns;
    private final Tensor rewardColumns;
    private final Tensor targetSamples;
    private final Tensor onehot;
    private final Tensor onehotRows;
    private final Tensor onehotColumns;
    private final Tensor onlineCube;
    private final Tensor takenQuantiles;
    private final Tensor takenQuantilesRows;
    private final Tensor gradTaken;
    private final Tensor gradTakenRows;
    private final Tensor gradOnlineCube;
    private final QuantileHuberLoss loss;
    private final float[] nextMeansOnHost;
    private final UnsafeBuffer nextMeansValues;
    private final UnsafeBuffer targetNextValues;
    private final UnsafeBuffer targetSampleValues;
    private final UnsafeBuffer onlineValues;
    private final UnsafeBuffer takenValues;
    private final UnsafeBuffer takenGradient;
    private final UnsafeBuffer onlineGradient;

    /** A new agent for observations of {@code observations} floats and {@code actions} discrete actions, on the CPU. */
    public QrDqnAgent(int observations, int actions, Config config) {
        this(observations, actions, config, ComputeDevice.CPU);
    }

    public QrDqnAgent(int observations, int actions, Config config, ComputeDevice device) {
        this(observations, actions, config, device, Kernels.defaultFor(device));
    }

    /** With the given kernels: {@link Kernels#TENSOR_OPS} on the CPU runs the CUDA code path (tests). */
    QrDqnAgent(int observations, int actions, Config config, ComputeDevice device, Kernels kernels) {
        super(ALGORITHM, observations, actions, config, device, kernels,
            (arena, rng) -> new QNetwork(arena, observations, config.hidden(), actions * config.quantiles(), false, rng),
            network -> network.parameters);
        this.quantiles = config.quantiles();
        int n = quantiles;
        int b = config.batchSize();

        onlinePass = online.layer.bind(new Binding(arena, b, true), batch.observations, null);
        targetNextPass = target.layer.bind(new Binding(arena, b, false), batch.nextObservations, null);
        onlineNextPass = config.doubleQ()
            ? online.layer.bind(new Binding(arena, b, false), batch.nextObservations, null) : null;
        taus = arena.zeros(n);
        arena.upload(taus, fixedTaus(n), n);
        onesQuantiles = arena.full(1.0, n);
        quantileMean = arena.scalar(1.0 / n);
        selectionQuantiles = arena.own((config.doubleQ() ? onlineNextPass : targetNextPass).output().view(b * actions, n));
        nextMeans = arena.zeros(b, actions);
        nextMeansFlat = arena.own(nextMeans.view(b * actions));
        greedyNext = new GreedyMask(arena, nextMeans);
        greedyMaskRows = arena.own(greedyNext.mask().view(b, 1, actions));
        targetNextCube = arena.own(targetNextPass.output().view(b, actions, n));
        nextQuantiles = arena.zeros(b, n);
        nextQuantilesRows = arena.own(nextQuantiles.view(b, 1, n));
        discountColumns = arena.own(arena.own(batch.discounts.view(b, 1)).expand(b, n));
        rewardColumns = arena.own(arena.own(batch.rewards.view(b, 1)).expand(b, n));
        targetSamples = arena.zeros(b, n);
        onehot = arena.zeros(b, actions);
        onehotRows = arena.own(onehot.view(b, 1, actions));
        onehotColumns = arena.own(onehot.view(b, actions, 1));
        onlineCube = arena.own(onlinePass.output().view(b, actions, n));
        takenQuantiles = arena.zeros(b, n);
        takenQuantilesRows = arena.own(takenQuantiles.view(b, 1, n));
        gradTaken = arena.zeros(b, n);
        gradTakenRows = arena.own(gradTaken.view(b, 1, n));
        gradOnlineCube = arena.own(onlinePass.gradOutput().view(b, actions, n));
        loss = new QuantileHuberLoss(arena, takenQuantiles, taus, targetSamples,
            config.prioritized() ? batch.weights : null, gradTaken, config.kappa());
        if (kernels == Kernels.CPU_FUSED) {
            nextMeansOnHost = new float[actions];
            nextMeansValues = arena.host(nextMeans);
            targetNextValues = arena.host(targetNextPass.output());
            targetSampleValues = arena.host(targetSamples);
            onlineValues = arena.host(onlinePass.output());
            takenValues = arena.host(takenQuantiles);
            takenGradient = arena.host(gradTaken);
            onlineGradient = arena.host(onlinePass.gradOutput());
        } else {
            nextMeansOnHost = null;
            nextMeansValues = null;
            targetNextValues = null;
            targetSampleValues = null;
            onlineValues = null;
            takenValues = null;
            takenGradient = null;
            onlineGradient = null;
        }
    }

    /** The quantile fractions {@code (2i + 1) / 2N}, i = 0..N-1: the midpoints of N equal bins. */
    static float[] fixedTaus(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) ((2.0 * i + 1.0) / (2.0 * n));
        }
        return out;
    }

    /** Algorithm name in checkpoints. */
    public static final String ALGORITHM = "qr-dqn";
    /** Checkpoint layout version this class writes and reads. */
    public static final int CHECKPOINT_VERSION = ValueAgent.CHECKPOINT_VERSION;

    /** Loads a checkpoint written by {@link #save}; every tensor's name, shape and finiteness is checked. */
    public static QrDqnAgent load(java.nio.file.Path dir, ComputeDevice device) {
        return AgentCheckpoints.loadValueAgent(dir, ALGORITHM, CHECKPOINT_VERSION, Config.class,
            (observations, actions, config) -> new QrDqnAgent(observations, actions, config, device),
            QrDqnAgent::restore);
    }

    /**
     * Target quantiles at the greedy next action, quantile Huber loss on the taken action's
     * quantiles, its gradient, backward, clip, Adam step, target sync. With prioritized replay,
     * writes each sample's loss into the batch's TD errors (its priority).
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
            nextMeansFlat.addmv_(selectionQuantiles, onesQuantiles, ZERO, quantileMean);
            targetQuantilesOnHost();
            takenQuantilesOnHost();
            loss.compute();
            scatterLossGradientOnHost();
        } else {
            nextMeansFlat.addmv_(selectionQuantiles, onesQuantiles, ZERO, quantileMean);
            greedyNext.computeMask();
            nextQuantilesRows.baddbmm_(greedyMaskRows, targetNextCube, ZERO, ONE);
            targetSamples.copy_(nextQuantiles).mul_(discountColumns).add_(rewardColumns);
            batch.writeOneHot(onehot);
            takenQuantilesRows.baddbmm_(onehotRows, onlineCube, ZERO, ONE);
            loss.compute();
            gradOnlineCube.baddbmm_(onehotColumns, gradTakenRows, ZERO, ONE);
        }
        onlinePass.backward(true);
        optimization.step();
        if (config.prioritized()) {
            batch.publishTdErrors(loss.perSample());
        }
    }

    /**
     * {@code T_j = r + gamma^n theta'_j(s', a*)} into the target samples, a* greedy on the means of the
     * selecting network's quantiles (one GEMV before this), exact ties averaged as {@link GreedyMask}
     * does: the tensor path's selection as one Java pass over host memory.
     */
    private void targetQuantilesOnHost() {
        int n = quantiles;
        UnsafeBuffer rewards = batch.host.rewardsMemory();
        UnsafeBuffer discounts = batch.host.discountsMemory();
        for (int i = 0; i < config.batchSize(); i++) {
            float best = Float.NEGATIVE_INFINITY;
            for (int a = 0; a < actions; a++) {
                nextMeansOnHost[a] = nextMeansValues.getFloat((i * actions + a) * Float.BYTES);
                best = Math.max(best, nextMeansOnHost[a]);
            }
            int ties = 0;
            int greedy = 0;
            for (int a = actions - 1; a >= 0; a--) {
                if (nextMeansOnHost[a] == best) {
                    ties++;
                    greedy = a;
                }
            }
            float reward = rewards.getFloat(i * Float.BYTES);
            float discount = discounts.getFloat(i * Float.BYTES);
            int row = i * n * Float.BYTES;
            float weight = 1f / ties;
            for (int j = 0; j < n; j++) {
                float next;
                if (ties == 1) {
                    next = targetNextValues.getFloat(((i * actions + greedy) * n + j) * Float.BYTES);
                } else {
                    next = 0f;
                    for (int a = 0; a < actions; a++) {
                        if (nextMeansOnHost[a] == best) {
                            next += weight * targetNextValues.getFloat(((i * actions + a) * n + j) * Float.BYTES);
                        }
                    }
                }
                targetSampleValues.putFloat(row + j * Float.BYTES, reward + discount * next);
            }
        }
    }

    /** The taken action's N quantiles of each row: one row copy each. */
    private void takenQuantilesOnHost() {
        int rowBytes = quantiles * Float.BYTES;
        for (int i = 0; i < config.batchSize(); i++) {
            int taken = batch.takenAction(i, actions, ALGORITHM);
            takenValues.putBytes(i * rowBytes, onlineValues, (i * actions + taken) * rowBytes, rowBytes);
        }
    }

    /** d loss / d theta into the taken action's N columns of the online output's gradient, 0 elsewhere. */
    private void scatterLossGradientOnHost() {
        int rowBytes = quantiles * Float.BYTES;
        for (int i = 0; i < config.batchSize(); i++) {
            int taken = batch.takenAction(i, actions, ALGORITHM);
            int offset = i * actions * rowBytes;
            onlineGradient.setMemory(offset, actions * rowBytes, (byte) 0);
            onlineGradient.putBytes(offset + taken * rowBytes, takenGradient, i * rowBytes, rowBytes);
        }
    }

    @Override
    public float lastLoss() {
        return loss.valueOnHost();
    }

    /** See {@link ValueOptimization#nonFiniteTerm}. */
    @Override
    public String nonFiniteTerm() {
        return optimization.nonFiniteTerm("quantile Huber loss", lossValue);
    }

    /**
     * Epsilon-greedy on the mean of each action's quantiles for {@code rows} observations in off-heap
     * memory, exploring with the agent's own seeded generator.
     */
    @Override
    public ActionValuePolicy policy(UnsafeBuffer observationRows, int rows) {
        return new ActionValuePolicy(arena.device(), observationRows, rows, observations, actions, explorationRng, null,
            (local, input, count, evaluationRng) -> {
                LayerPass pass = online.layer.bind(new Binding(local, count, false), input, null);
                Tensor quantileRows = local.own(pass.output().view((long) count * actions, quantiles));
                Tensor means = local.zeros(count, actions);
                Tensor meansFlat = local.own(means.view((long) count * actions));
                Tensor ones = local.full(1.0, quantiles);
                Scalar mean = local.scalar(1.0 / quantiles);
                return new ActionValuePolicy.Evaluation() {
                    @Override
                    public void forward() {
                        pass.forward();
                        meansFlat.addmv_(quantileRows, ones, ZERO, mean);
                    }

                    @Override
                    public Tensor values() {
                        return means;
                    }
                };
            });
    }

    private static final Scalar ZERO = NativeConstants.ZERO;
    private static final Scalar ONE = NativeConstants.ONE;
}

package io.rltrader.agent;

import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.Kernels;
import io.rltrader.nn.NativeConstants;
import io.rltrader.nn.QuantileHuberLoss;
import io.rltrader.util.Rng;
import java.nio.file.Path;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Implicit quantile networks (Dabney et al. 2018b): the network ({@link IqnNetwork}) maps a state
 * and a quantile fraction {@code tau} to the return quantile {@code Z_tau(s, a)} of every action, so
 * the fractions are sampled U[0, 1) afresh on every use instead of fixed as in {@link QrDqnAgent}.
 * Per update, each of the B transitions gets N fractions for the online network and N' for the
 * target network; the loss is the quantile Huber loss of the taken action's N quantiles (at their
 * own fractions) towards {@code T_j = r + gamma^n Z'_{tau'_j}(s', a*)}. The greedy next action
 * {@code a*} maximizes the mean of the N' target quantiles (Double-style: of the online network's,
 * at the same fractions). Acting averages K sampled quantiles per action.
 *
 * <p>Fractions come from the agent's own seeded generator (in Java, saved in checkpoints), so a seed
 * gives bit-identical runs. Phases as {@link QrDqnAgent}; the network's output is
 * {@code [N, B, A]} (fraction-major, see {@link IqnNetwork}) and the taken (greedy) action's
 * quantiles are read through the one-hot (greedy) mask. Every tensor is made in the constructor:
 * acting and updating allocate nothing on the Java heap.
 */
public final class IqnAgent extends ValueAgent<IqnAgent.Config, IqnNetwork> {
    /**
     * Every hyperparameter. {@code hidden[0]} is the width H of the state encoding, the cosine
     * embedding and their product, {@code hidden[1..]} the head's hidden layers; {@code cosines} is
     * the number n of cosine features of a fraction; {@code quantiles} (N), {@code targetQuantiles}
     * (N') and {@code actingQuantiles} (K) are the fractions sampled per transition for the online
     * network, for the target and per observation when acting; {@code kappa} is the Huber threshold;
     * {@code doubleQ} picks the next action with the online network; the rest mean what they mean in
     * {@link DqnAgent.Config}.
     */
    public record Config(int[] hidden, int cosines, int quantiles, int targetQuantiles, int actingQuantiles,
                         double kappa, boolean doubleQ, double learningRate, double gamma, int bufferSize,
                         int batchSize, int learningStarts, int trainFrequency, int gradientSteps,
                         int targetUpdateInterval, double tau, String exploration, double epsilonStart,
                         double epsilonEnd, double explorationFraction, double epsilonDecay, double maxGradNorm,
                         int nStep, boolean prioritized, double priorityAlpha, double priorityBetaStart, long seed) implements ValueAgentConfig {
        public Config {
            hidden = hidden == null ? new int[] {256, 256} : hidden.clone();
            ConfigChecks.require("iqn", hidden.length >= 1, "hidden", "needs at least the embedding width");
            ConfigChecks.requirePositiveWidths("iqn", "hidden", hidden);
            ConfigChecks.require("iqn", cosines >= 1, "cosines", "must be >= 1, got " + cosines);
            ConfigChecks.require("iqn", quantiles >= 1, "quantiles", "must be >= 1, got " + quantiles);
            ConfigChecks.require("iqn", targetQuantiles >= 1, "targetQuantiles",
                "must be >= 1, got " + targetQuantiles);
            ConfigChecks.require("iqn", actingQuantiles >= 1, "actingQuantiles",
                "must be >= 1, got " + actingQuantiles);
            ConfigChecks.require("iqn", kappa > 0 && Double.isFinite(kappa), "kappa", "must be > 0, got " + kappa);
            ConfigChecks.offPolicy("iqn", learningRate, gamma, bufferSize, batchSize, learningStarts,
                trainFrequency, gradientSteps, targetUpdateInterval, tau, exploration, epsilonStart, epsilonEnd,
                explorationFraction, epsilonDecay, maxGradNorm, nStep, priorityAlpha, priorityBetaStart);
        }

        /**
         * Hidden 256, 64 cosine features and kappa 1 as in the paper, but N = N' = K = 32 fractions
         * (the paper uses N = N' = 64) for speed; replay, exploration and optimizer settings as
         * {@link QrDqnAgent.Config#defaults()}.
         */
        public static Config defaults() {
            return new Config(new int[] {256, 256}, 64, 32, 32, 32, 1.0, false, 1e-3, 0.99, 100_000, 64, 1_000, 1, 1,
                500, 1.0, "linear", 1.0, 0.05, 0.3, 0.995, 10.0, 1, false, 0.6, 0.4, 0L);
        }

        public Config withSeed(long value) {
            return new Config(hidden, cosines, quantiles, targetQuantiles, actingQuantiles, kappa, doubleQ,
                learningRate, gamma, bufferSize, batchSize, learningStarts, trainFrequency, gradientSteps,
                targetUpdateInterval, tau, exploration, epsilonStart, epsilonEnd, explorationFraction, epsilonDecay,
                maxGradNorm, nStep, prioritized, priorityAlpha, priorityBetaStart, value);
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

    /** Algorithm name in checkpoints. */
    public static final String ALGORITHM = "iqn";
    /** Checkpoint layout version this class writes and reads. */
    public static final int CHECKPOINT_VERSION = ValueAgent.CHECKPOINT_VERSION;

    private final Rng tauRng;

    private final SampledTaus onlineTaus;
    private final SampledTaus targetTaus;
    private final IqnNetwork.Pass onlinePass;
    private final IqnNetwork.Pass targetNextPass;
    private final IqnNetwork.Pass onlineNextPass;
    private final GreedyMask greedyNext;
    private final IqnNetwork.Pass.Selection nextAtGreedy;
    private final Tensor discountColumns;
    private final Tensor rewardColumns;
    private final Tensor targetSamples;
    private final Tensor onehot;
    private final IqnNetwork.Pass.Selection taken;
    private final Tensor takenQuantiles;
    private final Tensor gradTaken;
    private final QuantileHuberLoss loss;

    /** A new agent for observations of {@code observations} floats and {@code actions} discrete actions, on the CPU. */
    public IqnAgent(int observations, int actions, Config config) {
        this(observations, actions, config, ComputeDevice.CPU);
    }

    public IqnAgent(int observations, int actions, Config config, ComputeDevice device) {
        super(ALGORITHM, observations, actions, config, device, Kernels.defaultFor(device),
            (arena, rng) -> new IqnNetwork(arena, observations, config.hidden(), config.cosines(), actions, rng),
            network -> network.parameters);
        int b = config.batchSize();
        int n = config.quantiles();
        int nTarget = config.targetQuantiles();
        this.tauRng = Rng.split(config.seed(), 103);

        onlineTaus = new SampledTaus(arena, b, n);
        targetTaus = new SampledTaus(arena, b, nTarget);
        onlinePass = online.bind(arena, b, n, batch.observations, onlineTaus, true);
        targetNextPass = target.bind(arena, b, nTarget, batch.nextObservations, targetTaus, false);
        onlineNextPass = config.doubleQ()
            ? online.bind(arena, b, nTarget, batch.nextObservations, targetTaus, false) : null;
        greedyNext = new GreedyMask(arena, (config.doubleQ() ? onlineNextPass : targetNextPass).means);
        nextAtGreedy = targetNextPass.select(greedyNext.mask(), null);
        discountColumns = arena.own(arena.own(batch.discounts.view(b, 1)).expand(b, nTarget));
        rewardColumns = arena.own(arena.own(batch.rewards.view(b, 1)).expand(b, nTarget));
        targetSamples = arena.zeros(b, nTarget);
        onehot = arena.zeros(b, actions);
        gradTaken = arena.zeros(b, n);
        taken = onlinePass.select(onehot, gradTaken);
        takenQuantiles = arena.zeros(b, n);
        loss = new QuantileHuberLoss(arena, takenQuantiles, onlineTaus.matrix, targetSamples,
            config.prioritized() ? batch.weights : null, gradTaken, config.kappa());
    }

    /** Loads a checkpoint written by {@link #save}; every tensor's name, shape and finiteness is checked. */
    public static IqnAgent load(Path dir, ComputeDevice device) {
        return AgentCheckpoints.loadValueAgent(dir, ALGORITHM, CHECKPOINT_VERSION, Config.class,
            (observations, actions, config) -> new IqnAgent(observations, actions, config, device),
            IqnAgent::restore);
    }

    /** The exploration generator and the fractions' generator. */
    @Override
    Map<String, Rng> generators() {
        return Map.of("exploration", explorationRng, "taus", tauRng);
    }

    /**
     * Fresh fractions, target quantiles at the greedy next action, quantile Huber loss on the taken
     * action's quantiles, its gradient, backward, clip, Adam step, target sync. Writes each sample's
     * loss into the batch's TD errors (the priority of prioritized replay).
     */
    @Override
    void updateBelowAutograd() {
        batch.upload();
        targetTaus.sample(tauRng);
        onlineTaus.sample(tauRng);

        targetNextPass.forward();
        if (config.doubleQ()) {
            onlineNextPass.forward();
            onlineNextPass.computeMeans();
        } else {
            targetNextPass.computeMeans();
        }
        greedyNext.computeMask();
        targetSamples.copy_(nextAtGreedy.compute()).mul_(discountColumns).add_(rewardColumns);

        onehot.zero_().scatter_(1, batch.actionIndex, ONE);
        onlinePass.forward();
        takenQuantiles.copy_(taken.compute());
        loss.compute();
        taken.backward();
        onlinePass.backward();
        optimization.step();
        batch.publishTdErrors(loss.perSample());
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
     * Epsilon-greedy on the mean of K sampled quantiles per action for {@code rows} observations in
     * off-heap memory; the fractions come from the agent's fraction generator and exploration from its
     * exploration generator.
     */
    @Override
    public ActionValuePolicy policy(UnsafeBuffer observationRows, int rows) {
        int k = config.actingQuantiles();
        return new ActionValuePolicy(arena.device(), observationRows, rows, observations, actions, explorationRng,
            tauRng, (local, input, count, fractionRng) -> {
                SampledTaus taus = new SampledTaus(local, count, k);
                IqnNetwork.Pass pass = online.bind(local, count, k, input, taus, false);
                return new ActionValuePolicy.Evaluation() {
                    @Override
                    public void forward() {
                        taus.sample(fractionRng);
                        pass.forward();
                        pass.computeMeans();
                    }

                    @Override
                    public Tensor values() {
                        return pass.means;
                    }
                };
            });
    }


    /** The online network's fractions of the last update, [B, N] row-major (tests). */
    float[] lastOnlineTaus() {
        return onlineTaus.toArray();
    }

    /** The target network's fractions of the last update, [B, N'] row-major (tests). */
    float[] lastTargetTaus() {
        return targetTaus.toArray();
    }


    private static final Scalar ZERO = NativeConstants.ZERO;
    private static final Scalar ONE = NativeConstants.ONE;
}

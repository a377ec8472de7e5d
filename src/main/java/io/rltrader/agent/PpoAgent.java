package io.rltrader.agent;

import io.rltrader.memory.ActionSpec;
import io.rltrader.memory.RolloutBuffer;
import io.rltrader.memory.RolloutMinibatch;
import io.rltrader.nn.Activation;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.RegressionLoss;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.nio.file.Path;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Tensor;

/**
 * Proximal Policy Optimization (Schulman et al. 2017) with the clipped surrogate, as Stable-Baselines3
 * and CleanRL implement it, for discrete (categorical) or continuous (diagonal Gaussian) actions.
 *
 * <p>Phases, CleanRL style: the loop ({@link io.rltrader.train.OnPolicyTrainer}) samples with
 * {@link #rolloutPolicy} for N envs per step into {@link #rollout()} for {@code nSteps} steps and
 * computes GAE there (truncated episodes bootstrap from V of their final observation). Then
 * {@link #update()} runs {@code nEpochs} passes of shuffled minibatches: advantages standardized
 * per minibatch, clipped surrogate, value loss (MSE, optionally against a prediction clipped around
 * the rollout's values, as SB3's {@code clip_range_vf}), entropy bonus, hand-written backward, global
 * gradient-norm clip, Adam; the target-KL check stops the update before a step whose approximate KL
 * exceeds 1.5 x {@code targetKl} (SB3). Every tensor is made in the constructor; acting and updating
 * allocate nothing on the Java heap. CPU only.
 *
 * <pre>
 *   ratio   = exp(logp - logp_old)
 *   L_pi    = -mean(min(ratio A, clamp(ratio, 1-c, 1+c) A))
 *   L_v     = mean((V' - R)^2),  V' = V or V_old + clamp(V - V_old, -c_v, c_v)
 *   L       = L_pi + vfCoef L_v - entCoef mean(H)
 * </pre>
 */
public final class PpoAgent extends AbstractOnPolicyAgent<PpoAgent.Config> {
    /**
     * Every hyperparameter, with SB3's names.
     *
     * @param hidden             hidden layer widths of each network (or of the shared trunk)
     * @param activation         hidden activation: tanh (SB3) or relu (the tutorial)
     * @param sharedTrunk        one trunk for actor and critic with two linear heads
     * @param learningRate       Adam learning rate
     * @param annealLearningRate linear decay of the learning rate to 0 over the run (CleanRL's anneal_lr)
     * @param nSteps             env steps per env per rollout
     * @param batchSize          minibatch size; must divide nSteps x envs
     * @param nEpochs            passes over the rollout per update
     * @param gamma              discount
     * @param gaeLambda          GAE lambda
     * @param clipRange          policy ratio clip
     * @param clipRangeVf        value clip around the rollout's values; 0 disables
     * @param normalizeAdvantage standardize advantages per minibatch
     * @param entCoef            entropy bonus coefficient
     * @param vfCoef             value loss coefficient
     * @param maxGradNorm        global gradient-norm clip; 0 disables
     * @param targetKl           stop the update when approx KL exceeds 1.5 x this; 0 disables
     * @param logStdInit         initial log standard deviation (continuous actions)
     * @param adamEpsilon        Adam epsilon (SB3 and CleanRL: 1e-5)
     * @param seed               run seed: weights, sampling and shuffling derive from it
     */
    public record Config(List<Integer> hidden, String activation, boolean sharedTrunk, double learningRate,
                         boolean annealLearningRate, int nSteps, int batchSize, int nEpochs, double gamma,
                         double gaeLambda, double clipRange, double clipRangeVf, boolean normalizeAdvantage,
                         double entCoef, double vfCoef, double maxGradNorm, double targetKl, double logStdInit,
                         double adamEpsilon, long seed) implements AbstractOnPolicyAgent.Settings {
        public Config {
            hidden = hidden == null ? List.of(64, 64) : List.copyOf(hidden);
            require(!hidden.isEmpty() && hidden.stream().allMatch(w -> w > 0), "hidden",
                "needs at least one positive width, got " + hidden);
            Activation.parse(activation);
            require(learningRate > 0 && Double.isFinite(learningRate), "learningRate",
                "must be > 0, got " + learningRate);
            require(nSteps > 0, "nSteps", "must be > 0, got " + nSteps);
            require(batchSize > 0, "batchSize", "must be > 0, got " + batchSize);
            require(nEpochs > 0, "nEpochs", "must be > 0, got " + nEpochs);
            require(gamma >= 0 && gamma <= 1, "gamma", "must be in [0, 1], got " + gamma);
            require(gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda", "must be in [0, 1], got " + gaeLambda);
            require(clipRange > 0, "clipRange", "must be > 0, got " + clipRange);
            require(clipRangeVf >= 0, "clipRangeVf", "must be >= 0 (0 disables it), got " + clipRangeVf);
            require(entCoef >= 0, "entCoef", "must be >= 0, got " + entCoef);
            require(vfCoef >= 0, "vfCoef", "must be >= 0, got " + vfCoef);
            require(maxGradNorm >= 0, "maxGradNorm", "must be >= 0 (0 disables clipping), got " + maxGradNorm);
            require(targetKl >= 0, "targetKl", "must be >= 0 (0 disables it), got " + targetKl);
            require(Double.isFinite(logStdInit), "logStdInit", "must be finite, got " + logStdInit);
            require(adamEpsilon > 0, "adamEpsilon", "must be > 0, got " + adamEpsilon);
        }

        /** Stable-Baselines3's PPO defaults (MLP 64-64 tanh, 2048 steps, minibatch 64, 10 epochs). */
        public static Config defaults() {
            return new Config(List.of(64, 64), "tanh", false, 3e-4, false, 2048, 64, 10, 0.99, 0.95, 0.2, 0, true,
                0.0, 0.5, 0.5, 0, 0.0, 1e-5, 0L);
        }

        /**
         * The tutorial's PPOAgent: actor and critic MLPs 128-128 ReLU, Adam 3e-4 (eps 1e-8), gamma 0.99,
         * GAE lambda 0.95, clip 0.2, c1 0.5, c2 0.01, 10 full-batch epochs of 2048 samples (one env),
         * gradient norm clipped to 0.5.
         */
        public static Config tutorial() {
            return new Config(List.of(128, 128), "relu", false, 3e-4, false, 2048, 2048, 10, 0.99, 0.95, 0.2, 0,
                true, 0.01, 0.5, 0.5, 0, 0.0, 1e-8, 0L);
        }

        public Config withSeed(long value) {
            return new Config(hidden, activation, sharedTrunk, learningRate, annealLearningRate, nSteps, batchSize,
                nEpochs, gamma, gaeLambda, clipRange, clipRangeVf, normalizeAdvantage, entCoef, vfCoef, maxGradNorm,
                targetKl, logStdInit, adamEpsilon, value);
        }

        public Config withRollout(int steps, int minibatch) {
            return new Config(hidden, activation, sharedTrunk, learningRate, annealLearningRate, steps, minibatch,
                nEpochs, gamma, gaeLambda, clipRange, clipRangeVf, normalizeAdvantage, entCoef, vfCoef, maxGradNorm,
                targetKl, logStdInit, adamEpsilon, seed);
        }

        private static void require(boolean ok, String field, String message) {
            if (!ok) {
                throw new UserInputException("ppo config " + field + ": " + message);
            }
        }
    }

    /** Algorithm name in checkpoints. */
    public static final String ALGORITHM = "ppo";

    private final RolloutMinibatch minibatch;
    private final ActorCritic.TrainingPass train;
    private final BatchStatistics moments;

    private final Tensor advantages;
    private final Tensor logRatio;
    private final Tensor ratio;
    private final Tensor unclipped;
    private final Tensor clipped;
    private final Tensor unclippedChosen;
    private final Tensor klTerms;
    private final Tensor outsideClip;
    private final Tensor ratioLow;
    private final Tensor ratioHigh;
    private final Tensor clipRange;
    private final Tensor one;
    private final Tensor minusInverseBatch;
    private final Tensor vfCoef;
    private final Tensor valueDelta;
    private final Tensor valueDeltaClipped;
    private final Tensor valueInsideClip;
    private final Tensor valuePrediction;
    private final Tensor valueLow;
    private final Tensor valueHigh;
    private final RegressionLoss valueLoss;
    private final Tensor policyLossOut;
    private final Tensor entropyOut;
    private final Tensor klOut;
    private final Tensor clipFractionOut;
    private final UnsafeBuffer policyLossHost;
    private final UnsafeBuffer entropyHost;
    private final UnsafeBuffer klHost;
    private final UnsafeBuffer clipFractionHost;

    private double sumPolicyLoss;
    private double sumValueLoss;
    private double sumEntropy;
    private double sumKl;
    private double sumClipFraction;
    private int minibatches;
    private boolean stoppedEarly;
    private double explainedVariance = Double.NaN;

    /** PPO with {@code actions} discrete actions for {@code envs} vectorized env rows. */
    public static PpoAgent discrete(int observations, int actions, int envs, Config config) {
        if (actions < 2) {
            throw new UserInputException("ppo: needs at least 2 discrete actions, got " + actions);
        }
        return new PpoAgent(observations, actions, false, envs, config);
    }

    /** PPO with a diagonal Gaussian over {@code actionDim} floats per env row. */
    public static PpoAgent continuous(int observations, int actionDim, int envs, Config config) {
        return new PpoAgent(observations, actionDim, true, envs, config);
    }

    private PpoAgent(int observations, int actionSize, boolean continuous, int envs, Config config) {
        // the rollout's settings first: checked before any native memory is made (a minibatch size
        // that does not divide the rollout)
        super(ALGORITHM, config, rolloutConfig(observations, actionSize, continuous, envs, config),
            new PolicyGradientCore(observations, actionSize, continuous, envs, config.hidden(), config.activation(),
                config.sharedTrunk(), true, config.logStdInit(), config.learningRate(), config.adamEpsilon(),
                config.maxGradNorm(), config.seed()));
        int m = config.batchSize();
        ActionSpec action = rollout.config().action();
        DeviceTensors arena = core.arena;
        this.minibatch = new RolloutMinibatch(m, observations, action);
        this.train = net.bindTraining(arena, minibatch);
        this.moments = new BatchStatistics(arena, m);

        advantages = arena.zeros(m);
        logRatio = arena.zeros(m);
        ratio = arena.zeros(m);
        unclipped = arena.zeros(m);
        clipped = arena.zeros(m);
        unclippedChosen = arena.zeros(m);
        klTerms = arena.zeros(m);
        outsideClip = arena.zeros(m);
        ratioLow = arena.constant(1 - config.clipRange());
        ratioHigh = arena.constant(1 + config.clipRange());
        clipRange = arena.constant(config.clipRange());
        one = arena.constant(1.0);
        minusInverseBatch = arena.constant(-1.0 / m);
        vfCoef = arena.constant(config.vfCoef());
        valueDelta = arena.zeros(m);
        valueDeltaClipped = arena.zeros(m);
        valueInsideClip = arena.zeros(m);
        valuePrediction = config.clipRangeVf() > 0 ? arena.zeros(m) : train.values();
        valueLow = arena.constant(-config.clipRangeVf());
        valueHigh = arena.constant(config.clipRangeVf());
        valueLoss = new RegressionLoss(arena, RegressionLoss.Kind.MSE, 1.0, valuePrediction, minibatch.returns(),
            null, train.gradValues(), m);
        // d L / d entropy_b = -entCoef / M for every row, whatever the minibatch.
        train.gradEntropy().fill_(arena.scalar(-config.entCoef() / m));
        policyLossOut = arena.zeros(1);
        entropyOut = arena.zeros(1);
        klOut = arena.zeros(1);
        clipFractionOut = arena.zeros(1);
        policyLossHost = arena.host(policyLossOut);
        entropyHost = arena.host(entropyOut);
        klHost = arena.host(klOut);
        clipFractionHost = arena.host(clipFractionOut);
    }

    private static RolloutBuffer.Config rolloutConfig(int observations, int actionSize, boolean continuous, int envs,
                                                      Config config) {
        PolicyGradientCore.requireSizes(ALGORITHM, observations, actionSize, envs);
        ActionSpec action = continuous ? ActionSpec.continuous(actionSize) : ActionSpec.discreteIndex();
        return new RolloutBuffer.Config(config.nSteps(), envs, observations, action, config.batchSize(),
            Rng.deriveSeed(config.seed(), 203));
    }

    @Override
    public float gaeLambda() {
        return (float) config.gaeLambda();
    }

    /** Deterministic continuous acting (the mean, clipped to [-1, 1]) over {@code rows} observations. */
    public ContinuousPolicy continuousPolicy(UnsafeBuffer observationRows, int rows) {
        return core.deterministic(observationRows, rows);
    }

    @Override
    public void setProgressRemaining(double fraction) {
        if (config.annealLearningRate()) {
            core.optimizer.setLearningRate(config.learningRate() * Math.max(0, Math.min(1, fraction)));
        }
    }

    /**
     * {@code nEpochs} passes of shuffled minibatches over the rollout (its advantages computed),
     * stopping early on the target-KL check. The shuffle is reseeded from the run seed and the update
     * count, so a resumed run shuffles as the uninterrupted one. Allocates nothing.
     */
    @Override
    void updateBelowAutograd() {
        sumPolicyLoss = 0;
        sumValueLoss = 0;
        sumEntropy = 0;
        sumKl = 0;
        sumClipFraction = 0;
        minibatches = 0;
        stoppedEarly = false;
        rollout.reseedShuffle(Rng.deriveSeed(config.seed(), 1_000_000L + core.updates));
        explainedVariance = core.explainedVariance(rollout);
        for (int epoch = 0; epoch < config.nEpochs() && !stoppedEarly; epoch++) {
            rollout.startEpoch();
            while (rollout.nextMinibatch(minibatch)) {
                computeLossAndGradients();
                if (config.targetKl() > 0 && klHost.getFloat(0) > 1.5 * config.targetKl()) {
                    stoppedEarly = true;
                    break;
                }
                core.step();
                minibatches++;
                sumPolicyLoss += policyLossHost.getFloat(0);
                sumValueLoss += valueLoss.valueOnHost();
                sumEntropy += entropyHost.getFloat(0);
                sumKl += klHost.getFloat(0);
                sumClipFraction += clipFractionHost.getFloat(0);
            }
        }
        core.updates++;
    }

    /** Forward, the three losses and the gradient of their sum for the current minibatch (no step). */
    void computeLossAndGradients() {
        train.forward();
        if (config.normalizeAdvantage()) {
            moments.standardize(minibatch.advantages(), advantages);
        } else {
            advantages.copy_(minibatch.advantages());
        }
        logRatio.copy_(train.logProb()).sub_(minibatch.logProbs());
        ratio.copy_(logRatio).exp_();
        unclipped.copy_(ratio).mul_(advantages);
        clipped.copy_(ratio).clamp_min_(ratioLow).clamp_max_(ratioHigh).mul_(advantages);
        // Where the unclipped term is the minimum the gradient flows through the ratio; where the
        // clipped one is strictly smaller the ratio is outside the range and the gradient is 0.
        unclippedChosen.copy_(unclipped).le_(clipped);
        clipped.clamp_max_(unclipped);
        moments.mean(clipped, policyLossOut);
        policyLossOut.neg_();
        train.gradLogProb().copy_(unclipped).mul_(unclippedChosen).mul_(minusInverseBatch);

        if (config.clipRangeVf() > 0) {
            valueDelta.copy_(train.values()).sub_(minibatch.values());
            valueDeltaClipped.copy_(valueDelta).clamp_min_(valueLow).clamp_max_(valueHigh);
            valueInsideClip.copy_(valueDelta).eq_(valueDeltaClipped);
            valuePrediction.copy_(minibatch.values()).add_(valueDeltaClipped);
            valueLoss.compute();
            train.gradValues().mul_(valueInsideClip).mul_(vfCoef);
        } else {
            valueLoss.compute();
            train.gradValues().mul_(vfCoef);
        }
        moments.mean(train.entropy(), entropyOut);
        klTerms.copy_(ratio).sub_(one).sub_(logRatio);
        moments.mean(klTerms, klOut);
        outsideClip.copy_(ratio).sub_(one).abs_().gt_(clipRange);
        moments.mean(outsideClip, clipFractionOut);
        train.backward();
    }

    @Override
    public String nonFiniteTerm() {
        String loss = FiniteTerms.first("policy loss", sumPolicyLoss, "value loss", sumValueLoss, "entropy", sumEntropy);
        return loss != null ? loss : FiniteTerms.first("gradient norm", core.lastGradientNorm());
    }

    @Override
    public UpdateStats lastUpdate() {
        double n = minibatches;
        return new UpdateStats(sumPolicyLoss / n, sumValueLoss / n, sumEntropy / n, sumKl / n, sumClipFraction / n,
            explainedVariance, core.optimizer.learningRate(), minibatches, stoppedEarly);
    }

    RolloutMinibatch minibatch() {
        return minibatch;
    }

    /** Loads a checkpoint written by {@link #save}; names, shapes and finiteness are checked. */
    public static PpoAgent load(Path dir) {
        return PolicyGradientCore.load(dir, ALGORITHM, Config.class, (header, config) -> new PpoAgent(
            header.observations(), header.actionSize(), header.continuous(), header.envs(), config), a -> a.core);
    }

    @Override
    public void close() {
        minibatch.close();
        super.close();
    }
}

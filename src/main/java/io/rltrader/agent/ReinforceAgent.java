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
import org.bytedeco.pytorch.Tensor;

/**
 * REINFORCE (Williams 1992) with a softmax policy: Monte-Carlo returns, normalized, and optionally a
 * learned value baseline. The loop collects {@code nSteps} steps of N envs into the rollout and
 * computes the returns there ({@link #gaeLambda()} is 1, so the advantage is {@code G_t - V(s_t)},
 * or {@code G_t} without a baseline); then {@link #update()} takes one gradient step on
 *
 * <pre>
 *   L = -mean(w_t log pi(a_t | s_t)) + vfCoef mean((V(s_t) - G_t)^2) - entCoef mean(H)
 * </pre>
 * with {@code w = standardize(G - V)} (the tutorial's normalized returns without a baseline). The
 * returns are Monte-Carlo within each episode: an episode that a rollout cuts off is bootstrapped
 * with V (0 without a baseline), and a truncated one with V of its final observation; with
 * {@code nSteps} equal to the episode length and all envs starting together every return is exact.
 * The tutorial sums the per-step terms; a mean only rescales the gradient, which Adam undoes. CPU only.
 */
public final class ReinforceAgent extends AbstractOnPolicyAgent<ReinforceAgent.Config> {
    /**
     * @param hidden           hidden layer widths of the policy (and the baseline)
     * @param activation       hidden activation
     * @param learningRate     Adam learning rate
     * @param nSteps           env steps per env per update
     * @param gamma            discount
     * @param normalizeReturns standardize the weights of the log-probabilities over the batch
     * @param baseline         learn a value baseline V(s) and weight by G - V
     * @param vfCoef           baseline loss coefficient
     * @param entCoef          entropy bonus coefficient
     * @param maxGradNorm      global gradient-norm clip; 0 disables
     * @param adamEpsilon      Adam epsilon
     * @param seed             run seed
     */
    public record Config(List<Integer> hidden, String activation, double learningRate, int nSteps, double gamma,
                         boolean normalizeReturns, boolean baseline, double vfCoef, double entCoef,
                         double maxGradNorm, double adamEpsilon, long seed) implements AbstractOnPolicyAgent.Settings {
        public Config {
            hidden = hidden == null ? List.of(128, 128) : List.copyOf(hidden);
            require(!hidden.isEmpty() && hidden.stream().allMatch(w -> w > 0), "hidden",
                "needs at least one positive width, got " + hidden);
            Activation.parse(activation);
            require(learningRate > 0 && Double.isFinite(learningRate), "learningRate",
                "must be > 0, got " + learningRate);
            require(nSteps > 0, "nSteps", "must be > 0, got " + nSteps);
            require(gamma >= 0 && gamma <= 1, "gamma", "must be in [0, 1], got " + gamma);
            require(vfCoef >= 0, "vfCoef", "must be >= 0, got " + vfCoef);
            require(entCoef >= 0, "entCoef", "must be >= 0, got " + entCoef);
            require(maxGradNorm >= 0, "maxGradNorm", "must be >= 0 (0 disables clipping), got " + maxGradNorm);
            require(adamEpsilon > 0, "adamEpsilon", "must be > 0, got " + adamEpsilon);
        }

        /**
         * The tutorial's REINFORCEAgent: MLP 128-128 ReLU softmax policy, Adam 1e-3, gamma 0.99,
         * normalized returns, no baseline, no clipping; one update per 200-step episode.
         */
        public static Config tutorial() {
            return new Config(List.of(128, 128), "relu", 1e-3, 200, 0.99, true, false, 0.5, 0.0, 0, 1e-8, 0L);
        }

        public Config withSeed(long value) {
            return new Config(hidden, activation, learningRate, nSteps, gamma, normalizeReturns, baseline, vfCoef,
                entCoef, maxGradNorm, adamEpsilon, value);
        }

        private static void require(boolean ok, String field, String message) {
            if (!ok) {
                throw new UserInputException("reinforce config " + field + ": " + message);
            }
        }
    }

    /** Algorithm name in checkpoints. */
    public static final String ALGORITHM = "reinforce";

    private final RolloutMinibatch batch;
    private final ActorCritic.TrainingPass train;
    private final BatchStatistics moments;
    private final Tensor weights;
    private final Tensor weighted;
    private final Tensor minusInverseBatch;
    private final Tensor vfCoef;
    private final RegressionLoss valueLoss;
    private final Tensor policyLossOut;
    private final Tensor entropyOut;
    private double explainedVariance = Double.NaN;

    /** REINFORCE with {@code actions} discrete actions for {@code envs} vectorized env rows. */
    public ReinforceAgent(int observations, int actions, int envs, Config config) {
        // the rollout's settings first: checked before any native memory is made
        super(ALGORITHM, config, rolloutConfig(observations, actions, envs, config),
            new PolicyGradientCore(observations, actions, false, envs, config.hidden(), config.activation(), false,
                config.baseline(), 0.0, config.learningRate(), config.adamEpsilon(), config.maxGradNorm(),
                config.seed()));
        DeviceTensors arena = core.arena;
        int samples = config.nSteps() * envs;
        this.batch = new RolloutMinibatch(samples, observations, ActionSpec.discreteIndex());
        this.train = net.bindTraining(arena, batch);
        this.moments = new BatchStatistics(arena, samples);
        this.weights = arena.zeros(samples);
        this.weighted = arena.zeros(samples);
        this.minusInverseBatch = arena.constant(-1.0 / samples);
        this.vfCoef = arena.constant(config.vfCoef());
        this.valueLoss = config.baseline() ? new RegressionLoss(arena, RegressionLoss.Kind.MSE, 1.0, train.values(),
            batch.returns(), null, train.gradValues(), samples) : null;
        train.gradEntropy().fill_(arena.scalar(-config.entCoef() / samples));
        this.policyLossOut = arena.zeros(1);
        this.entropyOut = arena.zeros(1);
    }

    /** One update per rollout, on all of it: the minibatch is the whole rollout. */
    private static RolloutBuffer.Config rolloutConfig(int observations, int actions, int envs, Config config) {
        if (actions < 2) {
            throw new UserInputException("reinforce: needs at least 2 discrete actions, got " + actions);
        }
        PolicyGradientCore.requireSizes(ALGORITHM, observations, actions, envs);
        return new RolloutBuffer.Config(config.nSteps(), envs, observations, ActionSpec.discreteIndex(),
            config.nSteps() * envs, Rng.deriveSeed(config.seed(), 203));
    }

    /** 1: the rollout's advantages are then Monte-Carlo returns minus the baseline. */
    @Override
    public float gaeLambda() {
        return 1f;
    }

    /** REINFORCE keeps its learning rate constant. */
    @Override
    public void setProgressRemaining(double fraction) {
    }

    /** One gradient step on the whole rollout (its returns computed). Allocates nothing. */
    @Override
    void updateBelowAutograd() {
        rollout.reseedShuffle(Rng.deriveSeed(config.seed(), 1_000_000L + core.updates));
        explainedVariance = config.baseline() ? core.explainedVariance(rollout) : Double.NaN;
        rollout.startEpoch();
        rollout.nextMinibatch(batch);
        computeLossAndGradients();
        core.step();
        core.updates++;
    }

    /** Forward, loss and gradient for the whole batch (no step). */
    void computeLossAndGradients() {
        train.forward();
        if (config.normalizeReturns()) {
            moments.standardize(batch.advantages(), weights);
        } else {
            weights.copy_(batch.advantages());
        }
        weighted.copy_(weights).mul_(train.logProb());
        moments.mean(weighted, policyLossOut);
        policyLossOut.neg_();
        train.gradLogProb().copy_(weights).mul_(minusInverseBatch);
        if (valueLoss != null) {
            valueLoss.compute();
            train.gradValues().mul_(vfCoef);
        }
        moments.mean(train.entropy(), entropyOut);
        train.backward();
    }

    @Override
    public String nonFiniteTerm() {
        String loss = FiniteTerms.first("policy loss", core.arena.host(policyLossOut).getFloat(0),
            "value loss", valueLoss == null ? 0 : valueLoss.valueOnHost(),
            "entropy", core.arena.host(entropyOut).getFloat(0));
        return loss != null ? loss : FiniteTerms.first("gradient norm", core.lastGradientNorm());
    }

    @Override
    public UpdateStats lastUpdate() {
        return new UpdateStats(core.arena.host(policyLossOut).getFloat(0),
            valueLoss == null ? Double.NaN : valueLoss.valueOnHost(), core.arena.host(entropyOut).getFloat(0),
            Double.NaN, Double.NaN, explainedVariance, core.optimizer.learningRate(), 1, false);
    }

    RolloutMinibatch batch() {
        return batch;
    }

    /** Loads a checkpoint written by {@link #save}. */
    public static ReinforceAgent load(Path dir) {
        return PolicyGradientCore.load(dir, ALGORITHM, Config.class, (header, config) -> new ReinforceAgent(
            header.observations(), header.actionSize(), header.envs(), config), a -> a.core);
    }

    @Override
    public void close() {
        batch.close();
        super.close();
    }
}

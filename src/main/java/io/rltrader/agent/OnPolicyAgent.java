package io.rltrader.agent;

import io.rltrader.memory.ActionSpec;
import io.rltrader.memory.RolloutBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What an on-policy training loop needs from a policy-gradient agent: a rollout buffer sized for
 * its vectorized env, a policy that samples for every env row in one call, and an update from the
 * full rollout. Each agent implements the algorithm itself; this is only the contract with the loop
 * ({@link io.rltrader.train.OnPolicyTrainer}).
 */
public interface OnPolicyAgent extends AutoCloseable {
    /**
     * What the last update measured, for logs (NaN where an algorithm has no such quantity).
     *
     * @param policyLoss        mean policy loss over the minibatches taken
     * @param valueLoss         mean value loss (MSE), NaN without a critic
     * @param entropy           mean policy entropy
     * @param approxKl          mean of {@code (ratio - 1) - log ratio} (the k3 estimator, as SB3 and CleanRL)
     * @param clipFraction      fraction of samples with {@code |ratio - 1| > clipRange}
     * @param explainedVariance {@code 1 - Var(returns - values) / Var(returns)} over the rollout
     * @param learningRate      learning rate used
     * @param minibatches       optimizer steps taken
     * @param stoppedEarly      whether the target-KL check ended the update early
     */
    record UpdateStats(double policyLoss, double valueLoss, double entropy, double approxKl, double clipFraction,
                       double explainedVariance, double learningRate, int minibatches, boolean stoppedEarly) {
    }

    /**
     * Sampling for the N rows of a vectorized env, bound to its observation and final-observation
     * memory. {@link #sample} runs the networks once for all rows; nothing allocates.
     */
    interface RolloutPolicy extends AutoCloseable {
        /**
         * Samples one action per row. Writes what the env applies to {@code envActions} (int32
         * indices, or float32 vectors clipped to [-1, 1]) and keeps the stored (unclipped) actions,
         * their log-probabilities and V(observation) in {@link #actions()}, {@link #logProbs()} and
         * {@link #values()}.
         */
        void sample(UnsafeBuffer envActions);

        /** Actions to store: int32 [N] or float32 [N, dim], unclipped. */
        UnsafeBuffer actions();

        /** float32 [N] log-probabilities of {@link #actions()}. */
        UnsafeBuffer logProbs();

        /** float32 [N] V of the observations {@link #sample} acted on. */
        UnsafeBuffer values();

        /** Computes V of the current observation rows (the bootstrap after the last step); float32 [N]. */
        UnsafeBuffer currentValues();

        /** Computes V of the final observation rows (bootstrap of truncated episodes); float32 [N]. */
        UnsafeBuffer finalValues();

        @Override
        void close();
    }

    /**
     * Deterministic acting (the mean action, clipped to [-1, 1]) for continuous actions. Single-threaded
     * like {@link OffPolicyAgent.BoundPolicy}: one {@link #copyFor copy} per thread.
     */
    interface ContinuousPolicy extends AutoCloseable {
        void act(UnsafeBuffer actionsOut);

        /** A copy for another thread, bound to other rows, sharing the weights (see {@link OffPolicyAgent.BoundPolicy}). */
        ContinuousPolicy copyFor(UnsafeBuffer observationRows, int rows);

        @Override
        void close();
    }

    default int observationSize() {
        return rollout().config().obsDim();
    }

    /** Vectorized env rows the rollout holds. */
    default int envs() {
        return rollout().config().numEnvs();
    }

    default ActionSpec actionSpec() {
        return rollout().config().action();
    }

    /** Discrete: number of actions; continuous: floats per action. */
    int actionSize();

    /** The rollout the loop fills before each {@link #update()} (GAE is the loop's call, with these). */
    RolloutBuffer rollout();

    float gamma();

    float gaeLambda();

    /** A sampling policy over an env's observation and final-observation rows. */
    RolloutPolicy rolloutPolicy(UnsafeBuffer observationRows, UnsafeBuffer finalObservationRows);

    /** Fraction of the run still to go, 1 at the start (learning-rate annealing reads it). */
    void setProgressRemaining(double fraction);

    /** One update from the full rollout (advantages already computed). */
    void update();

    long updates();

    /** What the last {@link #update()} measured. */
    UpdateStats lastUpdate();

    /**
     * Null when every loss term and gradient norm of the last update is finite; otherwise the first
     * that is not, by name ({@code "value loss = NaN"}), for the training loop's fault check.
     * Allocates nothing.
     */
    String nonFiniteTerm();

    @Override
    void close();

    /** Writes a checkpoint directory from which the agent's {@code load} resumes bit-identically. */
    void save(java.nio.file.Path dir);
}

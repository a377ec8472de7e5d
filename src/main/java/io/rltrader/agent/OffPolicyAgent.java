package io.rltrader.agent;

import io.rltrader.memory.ActionSpec;
import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.Schedule;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What an off-policy training loop needs from an agent: a batch to sample into, an update, a policy
 * over an env's observation memory, and the replay settings. Value-based agents act with discrete
 * indices, actor-critic agents (SAC, TD3) with float vectors in [-1, 1] ({@link #actionSpec()}).
 * Each agent implements the algorithm itself; this is only the contract with the loop.
 */
public interface OffPolicyAgent extends AutoCloseable {
    /** Replay and schedule settings the training loop applies. */
    record ReplaySettings(int bufferSize, int batchSize, int learningStarts, int trainFrequency, int gradientSteps,
                          int nStep, double gamma, boolean prioritized, double priorityAlpha,
                          double priorityBetaStart, long seed) {
    }

    /**
     * Acting for a fixed set of observation rows (an env's observation memory).
     *
     * <p>Threads: a policy instance is single-threaded. It owns the scratch tensors of its forward
     * pass and the generators it draws from (exploration, IQN's fractions), so calls on one instance
     * must not overlap; an overlapping call fails with an {@link IllegalStateException} instead of
     * mixing two passes. To act from several threads, give each thread its own
     * {@link #copyFor copy}: copies share the network's weights (read-only: no update may run while
     * they act) and own only their activations and generators, so a copy costs one forward pass's
     * memory. Passing an instance from one thread to another between calls is fine.
     */
    interface BoundPolicy extends AutoCloseable {
        /**
         * Writes one action per row in the env's action layout: an int32 index for discrete agents,
         * {@link #actionCount()} float32 values in [-1, 1] for continuous ones. {@code exploration} is
         * the exploration schedule's current value (epsilon for epsilon-greedy agents, a noise scale
         * for continuous ones); 0 acts greedily, or deterministically.
         */
        void act(UnsafeBuffer actionsOut, double exploration);

        /**
         * A copy for another thread, bound to {@code rows} rows of {@code observationRows}: the same
         * weights (shared), its own activations, and generators that start in this policy's current
         * state, so that the copy acts on the same observations exactly as this policy would from
         * here. Close copies before the agent (or loaded policy) they came from.
         */
        BoundPolicy copyFor(UnsafeBuffer observationRows, int rows);

        @Override
        void close();
    }

    /** A policy with discrete actions: greedy, or uniform with probability epsilon. */
    interface DiscretePolicy extends BoundPolicy {
        @Override
        DiscretePolicy copyFor(UnsafeBuffer observationRows, int rows);
    }

    int observationSize();

    /** Discrete agents: the number of choices; continuous agents: floats per action. */
    int actionCount();

    /** How actions are stored and written: a discrete index, or a continuous vector of {@link #actionCount()}. */
    default ActionSpec actionSpec() {
        return ActionSpec.discreteIndex();
    }

    ReplaySettings replaySettings();

    Schedule explorationSchedule(long totalSteps);

    TransitionBatch batch();

    void update();

    long updates();

    float lastLoss();

    /**
     * Null when every loss term and gradient norm of the last update is finite; otherwise the first
     * that is not, by name ({@code "TD loss = NaN"}, {@code "gradient norm = Infinity"}), for the
     * training loop's fault check. Gradient norms are checked where the agent computes them for
     * clipping; elsewhere a non-finite gradient shows in a loss at the next update at the latest.
     * Reads a few scalars (from host memory on the CPU).
     */
    default String nonFiniteTerm() {
        return FiniteTerms.first("loss", lastLoss());
    }

    BoundPolicy policy(UnsafeBuffer observationRows, int rows);

    /** Writes a checkpoint directory from which the agent's {@code load} resumes bit-identically. */
    void save(java.nio.file.Path dir);

    @Override
    void close();
}

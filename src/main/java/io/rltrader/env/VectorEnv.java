package io.rltrader.env;

import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;

/**
 * N independent copies of a trading environment stepped in one call over preallocated off-heap
 * buffers ({@link StepBuffers}, layout in {@link StepBuffersDescriptor}). The caller writes actions
 * into {@code buffers().actions()}, calls {@link #step()}, and reads observations, rewards and
 * flags. Rows whose episode ended auto-reset in the same call: their observation is already the
 * first of the next episode, their last one is in {@code finalObservations}, and the ended
 * episode's statistics are in {@link #episodes()}.
 */
public interface VectorEnv {
    /** Independent env copies, N. */
    int envs();

    /** Accounts per env copy (1 except in multi-agent environments). */
    int agents();

    /** Rows of the step buffers: envs x agents. */
    default int rows() {
        return envs() * agents();
    }

    /** Assets traded by each account. */
    int assets();

    int observationSize();

    StepBuffers buffers();

    /** Live accounting state (reset when a row's episode ends; see {@link #episodes()} for the ended one). */
    Accounts accounts();

    EpisodeStats episodes();

    /** Starts a new episode in every copy and writes the first observations. */
    void reset();

    /** Applies the actions in the action buffer to every copy and advances each by one bar. */
    void step();

    /** The bar whose data the current observation of env {@code env} ends with. */
    int decisionRow(int env);

    /** Steps taken in the current episode of env {@code env}. */
    int stepsInEpisode(int env);

    /** The earliest bar an episode can start at (feature warm-up and window respected). */
    int firstDecisionRow();

    /** The last bar of the usable rows; reaching it terminates the episode. */
    int lastRow();

    /**
     * Writes everything that changes as the env steps (clocks, generators, accounts, the current
     * observations), so that {@link #readState} on an env built from the same data and config
     * continues exactly where this one stands. Envs that cannot do this say so.
     */
    default void writeState(StateWriter out) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot save its state");
    }

    /** Restores what {@link #writeState} wrote. */
    default void readState(StateReader in) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot restore its state");
    }
}

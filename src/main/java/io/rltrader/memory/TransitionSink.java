package io.rltrader.memory;

import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Anything that takes vectorized env steps of transitions: a {@link TransitionStore} and the replay
 * buffers over one. Loading a dataset goes through it so that, for example, a prioritized buffer
 * gives the loaded transitions their initial priority.
 */
public interface TransitionSink {
    /** Stores one vectorized env step; the buffer contract is that of {@link TransitionStore#addBatch}. */
    void addBatch(int n, UnsafeBuffer obs, UnsafeBuffer actions, UnsafeBuffer rewards,
            UnsafeBuffer nextObs, UnsafeBuffer finalObs, UnsafeBuffer terminated, UnsafeBuffer truncated);

    /** The store the steps land in. */
    TransitionStore store();

    /** Writes the stored transitions and everything sampling depends on, for run snapshots. */
    void writeState(StateWriter out);

    /** Restores what {@link #writeState} wrote for a sink of the same configuration. */
    void readState(StateReader in);
}

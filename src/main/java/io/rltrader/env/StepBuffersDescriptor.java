package io.rltrader.env;

/**
 * Layout of the step buffers that environments fill and learners read zero-copy (native byte order,
 * 64-byte aligned blocks, structure of arrays). A row is one env copy, or one agent of one copy in
 * multi-agent environments (row = env * agents + agent).
 *
 * <pre>
 * observations       float32 [rows x observationSize]  after the step; for rows whose episode just
 *                                                      ended, the first observation of the next episode
 * finalObservations  float32 [rows x observationSize]  valid only for rows that ended this step: the
 *                                                      last observation of the ended episode
 * rewards            float32 [rows]
 * terminated         uint8   [rows]  0/1: ruin or end of data
 * truncated          uint8   [rows]  0/1: episode length reached (both flags may be 1)
 * actions (discrete) int32   [rows]  written by the caller before step()
 * actions (cont.)    float32 [rows x actionSize]
 * </pre>
 */
public final class StepBuffersDescriptor {
    public static final int OBSERVATION_BYTES = Float.BYTES;
    public static final int REWARD_BYTES = Float.BYTES;
    public static final int FLAG_BYTES = 1;
    public static final int DISCRETE_ACTION_BYTES = Integer.BYTES;
    public static final int CONTINUOUS_ACTION_BYTES = Float.BYTES;
    public static final byte FALSE = 0;
    public static final byte TRUE = 1;

    private StepBuffersDescriptor() {
    }

    /** Byte offset of element {@code index} of row {@code row}'s observation. */
    public static int observationOffset(int row, int observationSize, int index) {
        return (row * observationSize + index) * OBSERVATION_BYTES;
    }

    public static int rewardOffset(int row) {
        return row * REWARD_BYTES;
    }

    public static int flagOffset(int row) {
        return row * FLAG_BYTES;
    }

    public static int discreteActionOffset(int row) {
        return row * DISCRETE_ACTION_BYTES;
    }

    public static int continuousActionOffset(int row, int actionSize, int index) {
        return (row * actionSize + index) * CONTINUOUS_ACTION_BYTES;
    }
}

package io.rltrader.memory;

/**
 * Layout of one stored transition in a {@link TransitionStore}'s ring: all fields of a transition
 * are adjacent (row-interleaved), so sampling it touches the one or two cache lines (and the one
 * page) that hold it, rather than one line and page per field array.
 *
 * <pre>
 * offset              size      field
 *      0                 4      reward (float32)
 *      4                 1      terminated (uint8, 0 or 1)
 *      5                 1      truncated (uint8, 0 or 1)
 *      6                 2      padding, zero
 *      8          obsBytes      observation (float32 x obsDim)
 *      8 + obsBytes  obsBytes   next observation (float32 x obsDim)
 *      8 + 2 obsBytes actBytes  action (int32 index, or float32 x actDim)
 *      -                 -      padding to a multiple of 8 bytes
 * </pre>
 *
 * The reward and flags come first because an n-step walk reads only those of the following steps.
 * With 8 features and a discrete action a record is 80 bytes: since the ring is 64-byte aligned and
 * 80 is a multiple of 16, every record spans exactly two cache lines.
 */
final class TransitionRecordDescriptor {
    static final int REWARD_OFFSET = 0;
    static final int TERMINATED_OFFSET = 4;
    static final int TRUNCATED_OFFSET = 5;
    static final int OBSERVATION_OFFSET = 8;

    private TransitionRecordDescriptor() {
    }

    static int nextObservationOffset(int obsDim) {
        return OBSERVATION_OFFSET + obsDim * Float.BYTES;
    }

    static int actionOffset(int obsDim) {
        return OBSERVATION_OFFSET + 2 * obsDim * Float.BYTES;
    }

    /** Bytes of one record; {@code long} so that a huge obsDim cannot overflow unnoticed. */
    static long recordBytes(int obsDim, int actionBytes) {
        long bytes = OBSERVATION_OFFSET + 2L * obsDim * Float.BYTES + actionBytes;
        return (bytes + Long.BYTES - 1) & -Long.BYTES;
    }
}

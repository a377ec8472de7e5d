package io.rltrader.memory;

import java.nio.charset.StandardCharsets;

/**
 * Layout of an offline replay dataset file (version 1). All integers and floats little-endian.
 *
 * <pre>
 * offset  size  field
 *      0     8  magic, ASCII "RLTRREPL"
 *      8     4  version (int32), 1
 *     12     4  header length in bytes (int32), 64
 *     16     4  action kind (int32): 0 discrete int32 index, 1 continuous float32 vector
 *     20     4  obsDim (int32) &gt; 0
 *     24     4  actDim (int32) &gt; 0; 1 for discrete
 *     28     4  numEnvs (int32) &gt; 0, transitions per row (env step)
 *     32     8  rows (int64) &gt;= 0, env steps stored, oldest first
 *     40     8  payload length in bytes (int64)
 *     48    16  reserved, zero
 *     64     -  payload: six sections, each over all rows, row-major [rows, numEnvs, width]:
 *               observations float32 (width obsDim), actions int32 (discrete) or float32 (actDim),
 *               rewards float32, next observations float32 (obsDim; the real final observation
 *               where the episode ended), terminated uint8, truncated uint8
 *    end     4  CRC32 of every byte before it (header and payload), as uint32
 * </pre>
 */
public final class DatasetFileDescriptor {
    public static final byte[] MAGIC = "RLTRREPL".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int ACTION_KIND_OFFSET = 16;
    public static final int OBS_DIM_OFFSET = 20;
    public static final int ACT_DIM_OFFSET = 24;
    public static final int NUM_ENVS_OFFSET = 28;
    public static final int ROWS_OFFSET = 32;
    public static final int PAYLOAD_LENGTH_OFFSET = 40;
    public static final int HEADER_LENGTH = 64;
    public static final int TRAILER_LENGTH = 4;

    public static final int ACTION_KIND_DISCRETE = 0;
    public static final int ACTION_KIND_CONTINUOUS = 1;

    private DatasetFileDescriptor() {
    }

    /** Payload bytes of one row (env step) of {@code numEnvs} transitions; overflow throws. */
    public static long rowBytes(int numEnvs, int obsDim, int actDim) {
        long perTransition = 2L * obsDim * Float.BYTES + (long) actDim * Float.BYTES + Float.BYTES + 2L;
        return Math.multiplyExact(perTransition, (long) numEnvs);
    }
}

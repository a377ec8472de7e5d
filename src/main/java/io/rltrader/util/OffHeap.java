package io.rltrader.util;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/** Allocation of aligned, native-order off-heap memory, the only way rltrader takes off-heap memory. */
public final class OffHeap {
    /** Alignment of every off-heap block: a cache line, and enough for any SIMD load LibTorch does. */
    public static final int ALIGNMENT = 64;

    private OffHeap() {
    }

    /** A zeroed, 64-byte aligned direct buffer of {@code bytes} in native byte order. */
    public static UnsafeBuffer allocate(long bytes) {
        if (bytes < 0 || bytes > Integer.MAX_VALUE - ALIGNMENT) {
            throw new IllegalArgumentException("off-heap block of " + bytes
                + " bytes is out of range (at most " + (Integer.MAX_VALUE - ALIGNMENT) + ")");
        }
        ByteBuffer direct = BufferUtil.allocateDirectAligned(
            (int) Math.max(ALIGNMENT, roundUp(bytes)), ALIGNMENT).order(ByteOrder.nativeOrder());
        return new UnsafeBuffer(direct, 0, (int) bytes);
    }

    /**
     * A zeroed direct buffer of {@code bytes} in native byte order (not aligned beyond what the JVM
     * gives) that its owner returns with {@link #free} as soon as it is done with it, instead of
     * waiting for the garbage collector: for short-lived blocks such as a loader's growth chunks.
     */
    public static ByteBuffer allocateFreeable(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("off-heap block of " + bytes + " bytes is out of range");
        }
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    /** Returns a block of {@link #allocateFreeable} now; neither it nor a view of it may be used afterwards. */
    public static void free(ByteBuffer block) {
        BufferUtil.free(block);
    }

    private static long roundUp(long bytes) {
        return (bytes + ALIGNMENT - 1) & -ALIGNMENT;
    }
}

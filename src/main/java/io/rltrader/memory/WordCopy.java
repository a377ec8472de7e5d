package io.rltrader.memory;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Copies of short runs of 4-byte elements (an observation row, an action vector) between off-heap
 * buffers. For the tens of bytes a sample copies, one range check per run and a loop of raw 8-byte
 * moves is several times cheaper than {@code putBytes} (whose {@code copyMemory} call has a fixed
 * cost that dominates at this size) or a bounds-checked access per word.
 */
final class WordCopy {
    private WordCopy() {
    }

    /** Copies {@code bytes} (a multiple of 4) from {@code src} at {@code srcIndex} to {@code dst} at {@code dstIndex}. */
    static void copy(UnsafeBuffer dst, int dstIndex, UnsafeBuffer src, int srcIndex, int bytes) {
        if (dstIndex < 0 || srcIndex < 0 || dstIndex > dst.capacity() - bytes || srcIndex > src.capacity() - bytes) {
            throw new IndexOutOfBoundsException("copy of " + bytes + " bytes from " + srcIndex + " (of "
                + src.capacity() + ") to " + dstIndex + " (of " + dst.capacity() + ")");
        }
        long from = src.addressOffset() + srcIndex;
        long to = dst.addressOffset() + dstIndex;
        words(from, to, bytes);
    }

    /**
     * Copies {@code bytes} (a multiple of 4) from the raw off-heap address {@code from}, which the
     * caller has checked (a store record), to {@code dst} at {@code dstIndex}.
     */
    static void copy(UnsafeBuffer dst, int dstIndex, long from, int bytes) {
        if (dstIndex < 0 || dstIndex > dst.capacity() - bytes) {
            throw new IndexOutOfBoundsException("copy of " + bytes + " bytes to " + dstIndex + " (of "
                + dst.capacity() + ")");
        }
        words(from, dst.addressOffset() + dstIndex, bytes);
    }

    /**
     * Copies {@code bytes} (a multiple of 4) between two raw off-heap addresses the caller has
     * checked. The loop counts words from 0 to a fixed bound, so the JIT sees a counted loop: it
     * unrolls it and leaves out the safepoint poll it puts in every iteration of other loops.
     */
    static void words(long from, long to, int bytes) {
        int longs = bytes >>> 3;
        for (int i = 0; i < longs; i++) {
            long offset = (long) i << 3;
            UnsafeApi.putLong(to + offset, UnsafeApi.getLong(from + offset));
        }
        if ((bytes & Integer.BYTES) != 0) {
            long offset = (long) longs << 3;
            UnsafeApi.putInt(to + offset, UnsafeApi.getInt(from + offset));
        }
    }
}

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

    /** Copies {@code bytes} (a multiple of 4) between two raw off-heap addresses the caller has checked. */
    static void words(long from, long to, int bytes) {
        int i = 0;
        for (; i + Long.BYTES <= bytes; i += Long.BYTES) {
            UnsafeApi.putLong(to + i, UnsafeApi.getLong(from + i));
        }
        if (i < bytes) {
            UnsafeApi.putInt(to + i, UnsafeApi.getInt(from + i));
        }
    }
}

package io.rltrader.data;

import io.rltrader.util.OffHeap;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An append-only column of 8-byte values (doubles or longs) of unknown final length, as a streaming
 * reader produces it: values go into off-heap chunks (1 Ki values for the first, doubling up to
 * 128 Ki values = 1 MiB), so growing never copies what is already held and never needs a block of
 * twice the column's size. {@link #build()} copies the chunks into one aligned block of exactly
 * the values held, freeing each chunk as soon as it is copied: at any moment the column occupies
 * at most its values, one partly filled chunk and, while building, the final block.
 *
 * <p>Java heap use is one reference per chunk (about 80 for ten million values). Not thread-safe.
 */
final class ChunkedColumnBuilder implements AutoCloseable {
    static final int FIRST_CHUNK_VALUES = 1 << 10;
    static final int MAX_CHUNK_VALUES = 1 << 17;

    private ByteBuffer[] chunks = new ByteBuffer[16];
    private int chunkCount;
    /** The chunk being filled (one view, re-wrapped for each new chunk). */
    private final UnsafeBuffer current = new UnsafeBuffer(0, 0);
    private int currentCapacity;
    private int inCurrent;
    private long size;

    /** Values appended so far. */
    long size() {
        return size;
    }

    void addDouble(double value) {
        if (inCurrent == currentCapacity) {
            nextChunk();
        }
        current.putDouble(inCurrent << 3, value);
        inCurrent++;
        size++;
    }

    void addLong(long value) {
        if (inCurrent == currentCapacity) {
            nextChunk();
        }
        current.putLong(inCurrent << 3, value);
        inCurrent++;
        size++;
    }

    /**
     * The values as one 64-byte aligned off-heap block of {@code 8 * size()} bytes (at least one
     * alignment unit when empty); the chunks are freed and the builder is empty afterwards.
     *
     * @throws OutOfMemoryError when the JVM's direct memory cannot hold the block
     */
    UnsafeBuffer build() {
        UnsafeBuffer column = OffHeap.allocate(size * Long.BYTES);
        long offset = 0;
        for (int c = 0; c < chunkCount; c++) {
            ByteBuffer chunk = chunks[c];
            int bytes = (c == chunkCount - 1 ? inCurrent : chunk.capacity() >> 3) << 3;
            column.putBytes((int) offset, chunk, 0, bytes);
            offset += bytes;
            OffHeap.free(chunk);
            chunks[c] = null;
        }
        reset();
        return column;
    }

    /** Frees the chunks (a load that failed part way); the builder is empty afterwards. */
    @Override
    public void close() {
        for (int c = 0; c < chunkCount; c++) {
            OffHeap.free(chunks[c]);
            chunks[c] = null;
        }
        reset();
    }

    private void reset() {
        chunkCount = 0;
        currentCapacity = 0;
        inCurrent = 0;
        size = 0;
        current.wrap(0, 0);
    }

    private void nextChunk() {
        int values = chunkCount == 0 ? FIRST_CHUNK_VALUES : Math.min(MAX_CHUNK_VALUES, currentCapacity * 2);
        ByteBuffer chunk = OffHeap.allocateFreeable(values * Long.BYTES);
        if (chunkCount == chunks.length) {
            ByteBuffer[] grown = new ByteBuffer[chunks.length * 2];
            System.arraycopy(chunks, 0, grown, 0, chunkCount);
            chunks = grown;
        }
        chunks[chunkCount++] = chunk;
        current.wrap(chunk);
        currentCapacity = values;
        inCurrent = 0;
    }
}

package io.rltrader.memory;

import static io.rltrader.memory.DatasetFileDescriptor.ACTION_KIND_CONTINUOUS;
import static io.rltrader.memory.DatasetFileDescriptor.ACTION_KIND_DISCRETE;
import static io.rltrader.memory.DatasetFileDescriptor.ACTION_KIND_OFFSET;
import static io.rltrader.memory.DatasetFileDescriptor.ACT_DIM_OFFSET;
import static io.rltrader.memory.DatasetFileDescriptor.HEADER_LENGTH;
import static io.rltrader.memory.DatasetFileDescriptor.HEADER_LENGTH_OFFSET;
import static io.rltrader.memory.DatasetFileDescriptor.MAGIC;
import static io.rltrader.memory.DatasetFileDescriptor.NUM_ENVS_OFFSET;
import static io.rltrader.memory.DatasetFileDescriptor.OBS_DIM_OFFSET;
import static io.rltrader.memory.DatasetFileDescriptor.PAYLOAD_LENGTH_OFFSET;
import static io.rltrader.memory.DatasetFileDescriptor.ROWS_OFFSET;
import static io.rltrader.memory.DatasetFileDescriptor.TRAILER_LENGTH;
import static io.rltrader.memory.DatasetFileDescriptor.VERSION;
import static io.rltrader.memory.DatasetFileDescriptor.VERSION_OFFSET;

import io.rltrader.util.OffHeap;
import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Offline datasets: saves the transitions of a {@link TransitionStore} to a file and loads them
 * back, in the versioned format described by {@link DatasetFileDescriptor}. A truncated, corrupt or
 * foreign file is a {@link UserInputException} naming the file and what was expected; declared
 * sizes are checked against the file's length before anything is allocated.
 */
public final class ReplayDataset {
    /** What a dataset file declares. */
    public record Header(int version, ActionSpec action, int obsDim, int numEnvs, long rows, long payloadBytes) {
        /** Transitions in the file. */
        public long transitions() {
            return rows * numEnvs;
        }
    }

    private static final int STAGING_BYTES = 1 << 16;

    private ReplayDataset() {
    }

    /**
     * Writes every stored transition of {@code store}, oldest step first, to {@code file}
     * (replaced atomically through a temporary file in the same directory).
     */
    public static void save(TransitionStore store, Path file) {
        int rows = store.rowsStored();
        int numEnvs = store.numEnvs();
        int obsDim = store.obsDim();
        ActionSpec action = store.action();
        long payload = DatasetFileDescriptor.rowBytes(numEnvs, obsDim, action.dim()) * rows;
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC);
        header.putInt(VERSION_OFFSET, VERSION);
        header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        header.putInt(ACTION_KIND_OFFSET, action.discrete() ? ACTION_KIND_DISCRETE : ACTION_KIND_CONTINUOUS);
        header.putInt(OBS_DIM_OFFSET, obsDim);
        header.putInt(ACT_DIM_OFFSET, action.dim());
        header.putInt(NUM_ENVS_OFFSET, numEnvs);
        header.putLong(ROWS_OFFSET, rows);
        header.putLong(PAYLOAD_LENGTH_OFFSET, payload);
        header.position(0);

        Path absolute = file.toAbsolutePath();
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        CRC32 crc = new CRC32();
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            Writer writer = new Writer(channel, crc);
            writer.write(header);
            int oldest = store.oldestRow();
            int obsBytes = obsDim * Float.BYTES;
            writer.words(store, TransitionRecordDescriptor.OBSERVATION_OFFSET, obsBytes, oldest, rows);
            writer.words(store, store.actionOffset, action.bytes(), oldest, rows);
            writer.words(store, TransitionRecordDescriptor.REWARD_OFFSET, Float.BYTES, oldest, rows);
            writer.words(store, store.nextObservationOffset, obsBytes, oldest, rows);
            writer.bytes(store, TransitionRecordDescriptor.TERMINATED_OFFSET, oldest, rows);
            writer.bytes(store, TransitionRecordDescriptor.TRUNCATED_OFFSET, oldest, rows);
            writer.flush();
            ByteBuffer trailer = ByteBuffer.allocate(TRAILER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            trailer.putInt(0, (int) crc.getValue());
            while (trailer.hasRemaining()) {
                channel.write(trailer);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot write replay dataset: " + e.getMessage(), e);
        }
        try {
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot move finished dataset into place: " + e.getMessage(), e);
        }
    }

    /** Reads and validates the header of {@code file} against the file's length. */
    public static Header readHeader(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, channel);
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read replay dataset: " + e.getMessage(), e);
        }
    }

    /**
     * Loads every transition of {@code file} into {@code sink}, oldest step first, after checking the
     * header, the sizes and the CRC32. The sink must have the file's numEnvs, obsDim and action
     * spec; if it holds fewer steps than the file, the ring keeps the newest.
     */
    public static Header loadInto(Path file, TransitionSink sink) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = readHeader(file, channel);
            TransitionStore store = sink.store();
            if (header.numEnvs() != store.numEnvs() || header.obsDim() != store.obsDim()
                    || !header.action().equals(store.action())) {
                throw new UserInputException(file + ": dataset of " + header.numEnvs() + " envs, obsDim "
                    + header.obsDim() + ", " + header.action() + " does not fit a replay of " + store.numEnvs()
                    + " envs, obsDim " + store.obsDim() + ", " + store.action());
            }
            long payloadBytes = header.payloadBytes();
            if (payloadBytes > Integer.MAX_VALUE - OffHeap.ALIGNMENT) {
                throw new UserInputException(file + ": dataset payload of " + payloadBytes
                    + " bytes is larger than the 2 GiB that can be loaded at once");
            }
            UnsafeBuffer payload = OffHeap.allocate(payloadBytes);
            ByteBuffer target = payload.byteBuffer().duplicate();
            target.clear().limit((int) payloadBytes);
            readFully(file, channel, target, HEADER_LENGTH);

            CRC32 crc = new CRC32();
            ByteBuffer headerBytes = ByteBuffer.allocate(HEADER_LENGTH);
            readFully(file, channel, headerBytes, 0);
            headerBytes.flip();
            crc.update(headerBytes);
            target.flip();
            crc.update(target);
            ByteBuffer trailer = ByteBuffer.allocate(TRAILER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            readFully(file, channel, trailer, HEADER_LENGTH + payloadBytes);
            int stored = trailer.getInt(0);
            if (stored != (int) crc.getValue()) {
                throw new UserInputException(file + ": replay dataset is corrupt: CRC32 "
                    + Integer.toHexString((int) crc.getValue()) + " of the content does not match the recorded "
                    + Integer.toHexString(stored));
            }
            addRows(header, payload, sink);
            return header;
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read replay dataset: " + e.getMessage(), e);
        }
    }

    private static void addRows(Header header, UnsafeBuffer payload, TransitionSink sink) {
        int numEnvs = header.numEnvs();
        int rows = (int) header.rows();
        int obsRowBytes = numEnvs * header.obsDim() * Float.BYTES;
        int actRowBytes = numEnvs * header.action().bytes();
        int rewardRowBytes = numEnvs * Float.BYTES;
        long observationsAt = 0;
        long actionsAt = observationsAt + (long) rows * obsRowBytes;
        long rewardsAt = actionsAt + (long) rows * actRowBytes;
        long nextObservationsAt = rewardsAt + (long) rows * rewardRowBytes;
        long terminatedAt = nextObservationsAt + (long) rows * obsRowBytes;
        long truncatedAt = terminatedAt + (long) rows * numEnvs;
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            for (int i = 0; i < (int) terminatedAt; i += Integer.BYTES) {
                payload.putInt(i, Integer.reverseBytes(payload.getInt(i)));
            }
        }
        long base = payload.addressOffset();
        UnsafeBuffer observations = new UnsafeBuffer(0, 0);
        UnsafeBuffer actions = new UnsafeBuffer(0, 0);
        UnsafeBuffer rewards = new UnsafeBuffer(0, 0);
        UnsafeBuffer nextObservations = new UnsafeBuffer(0, 0);
        UnsafeBuffer terminated = new UnsafeBuffer(0, 0);
        UnsafeBuffer truncated = new UnsafeBuffer(0, 0);
        for (int row = 0; row < rows; row++) {
            observations.wrap(base + observationsAt + (long) row * obsRowBytes, obsRowBytes);
            actions.wrap(base + actionsAt + (long) row * actRowBytes, actRowBytes);
            rewards.wrap(base + rewardsAt + (long) row * rewardRowBytes, rewardRowBytes);
            nextObservations.wrap(base + nextObservationsAt + (long) row * obsRowBytes, obsRowBytes);
            terminated.wrap(base + terminatedAt + (long) row * numEnvs, numEnvs);
            truncated.wrap(base + truncatedAt + (long) row * numEnvs, numEnvs);
            // The stored next observation already is the final one where the episode ended.
            sink.addBatch(numEnvs, observations, actions, rewards, nextObservations, nextObservations,
                terminated, truncated);
        }
    }

    private static Header readHeader(Path file, FileChannel channel) throws IOException {
        long length = channel.size();
        if (length < HEADER_LENGTH + TRAILER_LENGTH) {
            throw new UserInputException(file + ": not a replay dataset or truncated: " + length
                + " bytes, expected at least " + (HEADER_LENGTH + TRAILER_LENGTH) + " (header and CRC32)");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, header, 0);
        byte[] magic = new byte[MAGIC.length];
        header.get(0, magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new UserInputException(file + ": not an rltrader replay dataset: expected magic '"
                + new String(MAGIC, StandardCharsets.US_ASCII) + "', found bytes " + hex(magic));
        }
        int version = header.getInt(VERSION_OFFSET);
        if (version != VERSION) {
            throw new UserInputException(file + ": replay dataset version " + version
                + " is not supported (this build reads version " + VERSION + ")");
        }
        int headerLength = header.getInt(HEADER_LENGTH_OFFSET);
        if (headerLength != HEADER_LENGTH) {
            throw new UserInputException(file + ": header length " + headerLength + ", expected " + HEADER_LENGTH);
        }
        int kind = header.getInt(ACTION_KIND_OFFSET);
        int obsDim = header.getInt(OBS_DIM_OFFSET);
        int actDim = header.getInt(ACT_DIM_OFFSET);
        int numEnvs = header.getInt(NUM_ENVS_OFFSET);
        long rows = header.getLong(ROWS_OFFSET);
        long payloadBytes = header.getLong(PAYLOAD_LENGTH_OFFSET);
        if (kind != ACTION_KIND_DISCRETE && kind != ACTION_KIND_CONTINUOUS) {
            throw new UserInputException(file + ": action kind " + kind + ", expected 0 (discrete) or 1 (continuous)");
        }
        if (obsDim <= 0 || actDim <= 0 || numEnvs <= 0 || rows < 0 || rows > Integer.MAX_VALUE
                || (kind == ACTION_KIND_DISCRETE && actDim != 1)) {
            throw new UserInputException(file + ": implausible header: obsDim " + obsDim + ", actDim " + actDim
                + ", numEnvs " + numEnvs + ", rows " + rows + " (expected positive dimensions, actDim 1 for"
                + " discrete actions, 0 <= rows <= " + Integer.MAX_VALUE + ")");
        }
        long expectedPayload;
        try {
            expectedPayload = Math.multiplyExact(DatasetFileDescriptor.rowBytes(numEnvs, obsDim, actDim), rows);
        } catch (ArithmeticException e) {
            throw new UserInputException(file + ": header declares an impossible size (" + rows + " rows of "
                + numEnvs + " x " + obsDim + " observations)", e);
        }
        if (payloadBytes != expectedPayload) {
            throw new UserInputException(file + ": header declares a payload of " + payloadBytes
                + " bytes but its dimensions need " + expectedPayload);
        }
        long expectedLength = HEADER_LENGTH + expectedPayload + TRAILER_LENGTH;
        if (length != expectedLength) {
            throw new UserInputException(file + ": " + (length < expectedLength ? "truncated" : "has trailing bytes")
                + ": the header declares " + rows + " steps of " + numEnvs + " envs (" + expectedLength
                + " bytes in all) but the file has " + length + " bytes");
        }
        ActionSpec action = kind == ACTION_KIND_DISCRETE ? ActionSpec.discreteIndex() : ActionSpec.continuous(actDim);
        return new Header(version, action, obsDim, numEnvs, rows, payloadBytes);
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer target, long position)
            throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int read = channel.read(target, at);
            if (read < 0) {
                throw new UserInputException(file + ": unexpected end of file at byte " + at);
            }
            at += read;
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(String.format("%02x", b & 0xFF));
        }
        return text.toString();
    }

    /** Streams sections through one little-endian staging buffer, updating the CRC. */
    private static final class Writer {
        private final FileChannel channel;
        private final CRC32 crc;
        private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES).order(ByteOrder.LITTLE_ENDIAN);

        Writer(FileChannel channel, CRC32 crc) {
            this.channel = channel;
            this.crc = crc;
        }

        void write(ByteBuffer bytes) throws IOException {
            crc.update(bytes.duplicate());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }

        /**
         * One field of every stored transition, oldest row first, as little-endian 4-byte words
         * (float32/int32): the file keeps a section per field while the store keeps a record per slot.
         */
        void words(TransitionStore store, int fieldOffset, int fieldBytes, int oldest, int rows) throws IOException {
            UnsafeBuffer records = store.records;
            for (int c = 0; c < rows; c++) {
                int firstSlot = ((oldest + c) % store.rowCapacity()) * store.numEnvs();
                for (int env = 0; env < store.numEnvs(); env++) {
                    int from = (firstSlot + env) * store.recordBytes + fieldOffset;
                    for (int i = 0; i < fieldBytes; i += Integer.BYTES) {
                        if (staging.remaining() < Integer.BYTES) {
                            flush();
                        }
                        staging.putInt(records.getInt(from + i, ByteOrder.nativeOrder()));
                    }
                }
            }
        }

        /** One single-byte field of every stored transition, oldest row first. */
        void bytes(TransitionStore store, int fieldOffset, int oldest, int rows) throws IOException {
            UnsafeBuffer records = store.records;
            for (int c = 0; c < rows; c++) {
                int firstSlot = ((oldest + c) % store.rowCapacity()) * store.numEnvs();
                for (int env = 0; env < store.numEnvs(); env++) {
                    if (!staging.hasRemaining()) {
                        flush();
                    }
                    staging.put(records.getByte((firstSlot + env) * store.recordBytes + fieldOffset));
                }
            }
        }

        void flush() throws IOException {
            staging.flip();
            write(staging);
            staging.clear();
        }
    }
}

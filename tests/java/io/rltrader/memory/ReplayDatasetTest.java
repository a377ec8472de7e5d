package io.rltrader.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayDatasetTest {
    private static final int OBS_DIM = 5;

    @TempDir
    Path directory;

    private Path savedWrappedStore(ActionSpec action) {
        VecEnvFixture env = new VecEnvFixture(3, OBS_DIM, action, 4, 0.1, 0.1);
        TransitionStore store = new TransitionStore(30, 3, OBS_DIM, action);
        env.stepInto(store, 23);
        Path file = directory.resolve("replay-" + action.discrete() + ".rlds");
        ReplayDataset.save(store, file);
        return file;
    }

    @Test
    void saveLoadRoundTripIsBitIdentical() throws IOException {
        for (ActionSpec action : new ActionSpec[] {ActionSpec.discreteIndex(), ActionSpec.continuous(2)}) {
            VecEnvFixture env = new VecEnvFixture(3, OBS_DIM, action, 4, 0.1, 0.1);
            TransitionStore original = new TransitionStore(30, 3, OBS_DIM, action);
            env.stepInto(original, 23);
            Path file = directory.resolve("a.rlds");
            ReplayDataset.save(original, file);

            TransitionStore loaded = new TransitionStore(30, 3, OBS_DIM, action);
            ReplayDataset.Header header = ReplayDataset.loadInto(file, loaded);
            assertEquals(10, header.rows());
            assertEquals(30, header.transitions());
            assertEquals(original.size(), loaded.size());
            // loaded oldest first: chronological row c sits in ring row c of the new store
            for (int c = 0; c < 10; c++) {
                int from = ((original.oldestRow() + c) % 10) * 3;
                int to = c * 3;
                for (int e = 0; e < 3; e++) {
                    assertArrayEquals(ReplayBufferTest.observation(original, from + e),
                        ReplayBufferTest.observation(loaded, to + e));
                    assertArrayEquals(ReplayBufferTest.nextObservation(original, from + e),
                        ReplayBufferTest.nextObservation(loaded, to + e));
                    assertEquals(Float.floatToRawIntBits(original.reward(from + e)),
                        Float.floatToRawIntBits(loaded.reward(to + e)));
                    assertEquals(original.terminated(from + e), loaded.terminated(to + e));
                    assertEquals(original.truncated(from + e), loaded.truncated(to + e));
                }
            }
            Path again = directory.resolve("b.rlds");
            ReplayDataset.save(loaded, again);
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again));
        }
    }

    @Test
    void loadingIntoAPrioritizedBufferGivesEveryTransitionAPriority() {
        Path file = savedWrappedStore(ActionSpec.discreteIndex());
        PrioritizedReplayBuffer replay = new PrioritizedReplayBuffer(PrioritizedReplayBuffer.Config.of(
            ReplayBuffer.Config.of(30, 3, OBS_DIM, ActionSpec.discreteIndex())));
        ReplayDataset.loadInto(file, replay);
        assertEquals(30, replay.size());
        assertEquals(30.0, replay.tree().total(), 1e-9);
    }

    @Test
    void headerIsLittleEndianWithMagicAndVersion() throws IOException {
        Path file = savedWrappedStore(ActionSpec.continuous(2));
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("RLTRREPL", new String(Arrays.copyOf(bytes.array(), 8), StandardCharsets.US_ASCII));
        assertEquals(1, bytes.getInt(DatasetFileDescriptor.VERSION_OFFSET));
        assertEquals(1, bytes.getInt(DatasetFileDescriptor.ACTION_KIND_OFFSET));
        assertEquals(OBS_DIM, bytes.getInt(DatasetFileDescriptor.OBS_DIM_OFFSET));
        assertEquals(2, bytes.getInt(DatasetFileDescriptor.ACT_DIM_OFFSET));
        assertEquals(3, bytes.getInt(DatasetFileDescriptor.NUM_ENVS_OFFSET));
        assertEquals(10, bytes.getLong(DatasetFileDescriptor.ROWS_OFFSET));
        long payload = bytes.getLong(DatasetFileDescriptor.PAYLOAD_LENGTH_OFFSET);
        assertEquals(10L * 3 * (2 * OBS_DIM * 4 + 2 * 4 + 4 + 2), payload);
        assertEquals(64 + payload + 4, Files.size(file));
    }

    @Test
    void truncatedFileIsAClearError() throws IOException {
        Path file = savedWrappedStore(ActionSpec.discreteIndex());
        byte[] bytes = Files.readAllBytes(file);
        Path truncated = directory.resolve("truncated.rlds");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 17));
        TransitionStore store = new TransitionStore(30, 3, OBS_DIM, ActionSpec.discreteIndex());
        UserInputException error = assertThrows(UserInputException.class, () -> ReplayDataset.loadInto(truncated, store));
        assertTrue(error.getMessage().contains(truncated.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("truncated"), error.getMessage());
        assertEquals(0, store.size());

        Path stub = directory.resolve("stub.rlds");
        Files.write(stub, Arrays.copyOf(bytes, 20));
        UserInputException tiny = assertThrows(UserInputException.class, () -> ReplayDataset.readHeader(stub));
        assertTrue(tiny.getMessage().contains("at least 68"), tiny.getMessage());
    }

    @Test
    void foreignFileIsAClearError() throws IOException {
        Path foreign = directory.resolve("prices.csv");
        Files.writeString(foreign, "time,open,high,low,close\n".repeat(10));
        UserInputException error = assertThrows(UserInputException.class, () -> ReplayDataset.readHeader(foreign));
        assertTrue(error.getMessage().startsWith(foreign.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("not an rltrader replay dataset"), error.getMessage());
    }

    @Test
    void absurdDeclaredSizeIsRejectedBeforeAllocating() throws IOException {
        Path file = savedWrappedStore(ActionSpec.discreteIndex());
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(DatasetFileDescriptor.ROWS_OFFSET, 1L << 40);
        header.putLong(DatasetFileDescriptor.PAYLOAD_LENGTH_OFFSET,
            DatasetFileDescriptor.rowBytes(3, OBS_DIM, 1) * (1L << 30));
        Path huge = directory.resolve("huge.rlds");
        Files.write(huge, bytes);
        UserInputException error = assertThrows(UserInputException.class, () -> ReplayDataset.readHeader(huge));
        assertTrue(error.getMessage().contains("rows"), error.getMessage());

        header.putLong(DatasetFileDescriptor.ROWS_OFFSET, 1L << 28);
        Files.write(huge, bytes);
        UserInputException mismatch = assertThrows(UserInputException.class, () -> ReplayDataset.readHeader(huge));
        assertTrue(mismatch.getMessage().contains("declares a payload"), mismatch.getMessage());

        header.putLong(DatasetFileDescriptor.PAYLOAD_LENGTH_OFFSET, DatasetFileDescriptor.rowBytes(3, OBS_DIM, 1) << 28);
        Files.write(huge, bytes);
        UserInputException tooShort = assertThrows(UserInputException.class, () -> ReplayDataset.readHeader(huge));
        assertTrue(tooShort.getMessage().contains("truncated"), tooShort.getMessage());
    }

    @Test
    void corruptPayloadFailsTheChecksum() throws IOException {
        Path file = savedWrappedStore(ActionSpec.discreteIndex());
        byte[] bytes = Files.readAllBytes(file);
        bytes[200] ^= 0x10;
        Path corrupt = directory.resolve("corrupt.rlds");
        Files.write(corrupt, bytes);
        TransitionStore store = new TransitionStore(30, 3, OBS_DIM, ActionSpec.discreteIndex());
        UserInputException error = assertThrows(UserInputException.class, () -> ReplayDataset.loadInto(corrupt, store));
        assertTrue(error.getMessage().contains("CRC32"), error.getMessage());
        assertEquals(0, store.size());
    }

    @Test
    void unsupportedVersionAndMismatchedShapeAreClearErrors() throws IOException {
        Path file = savedWrappedStore(ActionSpec.discreteIndex());
        TransitionStore wrongShape = new TransitionStore(30, 3, OBS_DIM + 1, ActionSpec.discreteIndex());
        UserInputException shape = assertThrows(UserInputException.class, () -> ReplayDataset.loadInto(file, wrongShape));
        assertTrue(shape.getMessage().contains("does not fit"), shape.getMessage());

        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(DatasetFileDescriptor.VERSION_OFFSET, 9);
        Path future = directory.resolve("future.rlds");
        Files.write(future, bytes);
        UserInputException version = assertThrows(UserInputException.class, () -> ReplayDataset.readHeader(future));
        assertTrue(version.getMessage().contains("version 9"), version.getMessage());
    }
}

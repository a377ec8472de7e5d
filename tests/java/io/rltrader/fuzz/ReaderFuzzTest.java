package io.rltrader.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.rltrader.data.CsvLoader;
import io.rltrader.data.TestData;
import io.rltrader.nn.SafeTensorsFile;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Hostile files for the two readers that take files from elsewhere: the CSV loader and the
 * safetensors (checkpoint) reader. Whatever the bytes, a reader either succeeds or throws a
 * {@link UserInputException}; any other exception, an OutOfMemoryError or a crash is a bug.
 *
 * <p>Two kinds of test: {@link FuzzTest}s for Jazzer's coverage-guided fuzzer (in a normal test
 * run they replay their seed inputs; to fuzz, run one at a time, for example
 * {@code JAZZER_FUZZ=1 mvn -B test -Dtest='ReaderFuzzTest#safetensorsReader'}), and seeded mutation
 * tests that run a few thousand damaged versions of valid files in every test run (seconds).
 */
class ReaderFuzzTest {
    private static final Path SCRATCH;

    static {
        try {
            SCRATCH = Files.createTempDirectory("rltrader-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void safetensorsReader(byte[] bytes) {
        readOnlyFailsCleanly(bytes, "input.safetensors", SafeTensorsFile::read);
    }

    @FuzzTest(maxDuration = "60s")
    void csvLoader(byte[] bytes) {
        readOnlyFailsCleanly(bytes, "input.csv", CsvLoader::load);
    }

    @Test
    void damagedCheckpointFilesAreRefusedCleanly() throws IOException {
        SafeTensorsFile.Writer writer = new SafeTensorsFile.Writer();
        writer.add("q.0.weight", new long[] {4, 3}, new float[12]);
        writer.add("q.0.bias", new long[] {4}, new float[] {1, 2, 3, 4});
        writer.add("step", new long[0], new long[] {7});
        writer.metadata("algorithm", "dqn");
        Path valid = SCRATCH.resolve("valid.safetensors");
        writer.writeAtomically(valid);
        int refused = mutate(Files.readAllBytes(valid), 3000, "mutant.safetensors", SafeTensorsFile::read);
        assertTrue(refused > 1000, "most damaged files must be refused, " + refused + " were");
    }

    @Test
    void damagedCsvFilesAreRefusedCleanly() throws IOException {
        byte[] head = Arrays.copyOf(Files.readAllBytes(TestData.path("ttrc.csv")), 2000);
        int refused = mutate(head, 3000, "mutant.csv", CsvLoader::load);
        assertTrue(refused > 500, "most damaged files must be refused, " + refused + " were");
    }

    /** Writes {@code count} seeded mutations of {@code valid} and reads each; returns how many were refused. */
    private static int mutate(byte[] valid, int count, String name, Consumer<Path> reader) {
        Rng rng = new Rng(20261130);
        int refused = 0;
        for (int i = 0; i < count; i++) {
            byte[] bytes = valid.clone();
            int edits = 1 + rng.nextInt(4);
            for (int e = 0; e < edits; e++) {
                switch (rng.nextInt(5)) {
                    case 0 -> bytes[rng.nextInt(bytes.length)] = (byte) rng.nextInt(256);
                    case 1 -> bytes = Arrays.copyOf(bytes, rng.nextInt(bytes.length + 1));
                    case 2 -> bytes[rng.nextInt(Math.min(bytes.length, 16) + 1) % Math.max(1, bytes.length)] =
                        (byte) rng.nextInt(256);
                    case 3 -> {
                        int at = rng.nextInt(bytes.length + 1);
                        byte[] longer = new byte[bytes.length + 1];
                        System.arraycopy(bytes, 0, longer, 0, at);
                        longer[at] = (byte) "0123456789.,-e\n\"{}[]:".charAt(rng.nextInt(21));
                        System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                        bytes = longer;
                    }
                    default -> {
                        if (bytes.length > 0) {
                            bytes[rng.nextInt(bytes.length)] ^= (byte) (1 << rng.nextInt(8));
                        }
                    }
                }
                if (bytes.length == 0) {
                    break;
                }
            }
            if (!readOnlyFailsCleanly(bytes, name, reader)) {
                refused++;
            }
        }
        return refused;
    }

    /** Reads the bytes as a file; true when read, false when refused with a clear error. */
    private static boolean readOnlyFailsCleanly(byte[] bytes, String name, Consumer<Path> reader) {
        Path file = SCRATCH.resolve(name);
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            reader.accept(file);
            return true;
        } catch (UserInputException e) {
            String message = e.getMessage();
            assertTrue(message != null && !message.isBlank() && message.indexOf('\n') < 0,
                "refusals are one clear line, got: " + message);
            return false;
        }
    }
}

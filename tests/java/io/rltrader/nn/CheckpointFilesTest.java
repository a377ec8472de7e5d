package io.rltrader.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rltrader.nn.CheckpointFiles.Checkpoint;
import io.rltrader.nn.SafeTensorsFile.DType;
import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFilesTest {
    @TempDir
    Path root;

    /** A tiny agent config, as an algorithm's Config record would be. */
    record TinyConfig(double learningRate, int hidden) {
    }

    /** The checkpoint of generation {@code g}: every value says which generation it is. */
    private static JsonNode config(int g) {
        return CheckpointFiles.configJson("dqn", 1, new TinyConfig(1e-3 * g, 64));
    }

    private static SafeTensorsFile.Writer model(int g) {
        return new SafeTensorsFile.Writer().add("q.0.weight", new long[] {2, 2}, new float[] {g, g, g, g});
    }

    private static SafeTensorsFile.Writer state(int g) {
        return new SafeTensorsFile.Writer()
            .add("step", new long[0], new long[] {1000L * g})
            .add("adam.m.q.0.weight", new long[] {2, 2}, new float[4]);
    }

    private static void writeGeneration(Path dir, int g) {
        CheckpointFiles.write(dir, config(g), model(g), state(g));
    }

    /** Which generation the checkpoint that {@link CheckpointFiles#read} finds holds, checking it is whole. */
    private static int readGeneration(Path dir) {
        Checkpoint checkpoint = CheckpointFiles.read(dir, "dqn", 1);
        int g = (int) checkpoint.state().requireTensor("step", DType.I64).toLongArray()[0] / 1000;
        assertArrayEquals(new float[] {g, g, g, g},
            checkpoint.model().requireTensor("q.0.weight", DType.F32, 2, 2).toFloatArray());
        assertEquals(1e-3 * g, checkpoint.algorithmConfig().path("learningRate").doubleValue());
        return g;
    }

    @Test
    void roundTripAndReplace() throws IOException {
        Path dir = root.resolve("runs").resolve("ckpt"); // the parent is created
        writeGeneration(dir, 1);
        Checkpoint checkpoint = CheckpointFiles.read(dir, "dqn", 1);
        assertEquals(dir, checkpoint.directory());
        assertEquals("rltrader-checkpoint", checkpoint.config().path("format").textValue());
        assertEquals(1, checkpoint.config().path("version").intValue());
        assertEquals("dqn", checkpoint.config().path("algorithm").textValue());
        assertEquals(64, checkpoint.algorithmConfig().path("hidden").intValue());
        assertEquals(List.of("config.json", "model.safetensors", "state.safetensors"), names(dir));
        assertEquals(1, readGeneration(dir));

        writeGeneration(dir, 2);
        assertEquals(2, readGeneration(dir));
        assertEquals(List.of("ckpt"), names(dir.getParent()), "no temporary or previous directory is left");
    }

    @Test
    void readNamesWhatIsWrong() throws IOException {
        Path dir = root.resolve("ckpt");
        writeGeneration(dir, 1);
        assertEquals("checkpoint " + dir + " was written by algorithm 'dqn', expected 'ppo'",
            readError(dir, "ppo", 1));
        assertEquals("checkpoint " + dir + " has format version 1, this rltrader reads version 2",
            readError(dir, "dqn", 2));

        ObjectNode future = (ObjectNode) config(1);
        future.put("version", 3);
        CheckpointFiles.write(dir, future, model(1), state(1));
        assertEquals("checkpoint " + dir + " has format version 3, this rltrader reads version 1",
            readError(dir, "dqn", 1));

        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"format\": \"something-else\", \"version\": 1, \"algorithm\": \"dqn\"}");
        assertEquals("checkpoint " + dir + " is not an rltrader checkpoint: config.json has format \"something-else\","
            + " expected \"rltrader-checkpoint\"", readError(dir, "dqn", 1));
        Files.writeString(config, "{\"version\": 1, \"algorithm\": \"dqn\"}");
        assertTrue(readError(dir, "dqn", 1).contains("config.json has no \"format\""));
        Files.writeString(config, "{\"format\": \"rltrader-checkpoint\", \"version\": \"1\", \"algorithm\": \"dqn\"}");
        assertTrue(readError(dir, "dqn", 1).contains("config.json has version \"1\", expected an integer"));
        Files.writeString(config, "{\"format\": \"rltrader-checkpoint\",\n \"version\": 1,\n \"algorithm\": }");
        assertTrue(readError(dir, "dqn", 1).startsWith(config + ":3: not valid JSON"));
        Files.writeString(config, "[1, 2]");
        assertTrue(readError(dir, "dqn", 1).startsWith(config + ": expected a JSON object"));
        Files.delete(config);
        assertEquals("checkpoint " + dir + " is missing config.json (expected config.json, model.safetensors and"
            + " state.safetensors)", readError(dir, "dqn", 1));

        writeGeneration(dir, 1);
        Files.delete(dir.resolve("state.safetensors"));
        assertTrue(readError(dir, "dqn", 1).startsWith("checkpoint " + dir + " is missing state.safetensors"));
        writeGeneration(dir, 1);
        Files.write(dir.resolve("model.safetensors"), new byte[3]);
        assertTrue(readError(dir, "dqn", 1).startsWith(dir.resolve("model.safetensors") + ": invalid safetensors"));

        Path nowhere = root.resolve("nowhere");
        assertEquals("checkpoint " + nowhere + " does not exist", readError(nowhere, "dqn", 1));
        Path plainFile = root.resolve("plain");
        Files.writeString(plainFile, "x");
        assertEquals("checkpoint " + plainFile + " is not a directory", readError(plainFile, "dqn", 1));
        assertThrows(UserInputException.class, () -> writeGeneration(plainFile, 1));
    }

    @Test
    void writeRequiresTheConfigHeader() {
        Path dir = root.resolve("ckpt");
        ObjectNode noAlgorithm = (ObjectNode) config(1);
        noAlgorithm.remove("algorithm");
        assertThrows(IllegalArgumentException.class, () -> CheckpointFiles.write(dir, noAlgorithm, model(1), state(1)));
        assertTrue(Files.notExists(dir));
    }

    /**
     * A kill at every step of a replacement: the last complete checkpoint is read, whole, and the
     * next write repairs whatever the crash left behind.
     */
    @Test
    void aCrashAtAnyStepLeavesTheOldOrTheNewCheckpoint() throws IOException {
        List<String> steps = new ArrayList<>();
        Path probe = root.resolve("probe");
        writeGeneration(probe, 1);
        CheckpointFiles.write(probe, config(2), model(2), state(2), steps::add);
        int committedAt = steps.indexOf("incoming moved into place");
        assertTrue(committedAt > 0, steps.toString());
        assertTrue(steps.contains("previous moved aside"), steps.toString());

        for (int step = 0; step < steps.size(); step++) {
            int crashAt = step;
            Path dir = root.resolve("ckpt" + crashAt);
            writeGeneration(dir, 1);
            assertThrows(SimulatedCrash.class,
                () -> CheckpointFiles.write(dir, config(2), model(2), state(2), crashAfter(crashAt)));
            int expected = crashAt < committedAt ? 1 : 2;
            assertEquals(expected, readGeneration(dir), "crash after step " + crashAt + " (" + steps.get(crashAt) + ")");

            writeGeneration(dir, 3);
            assertEquals(3, readGeneration(dir));
            String name = dir.getFileName().toString();
            assertEquals(List.of(name), names(root).stream()
                .filter(entry -> entry.equals(name) || entry.startsWith(name + ".")).toList(),
                "the next write leaves no leftovers after a crash at step " + crashAt);
        }
    }

    @Test
    void aCrashDuringTheFirstWriteLeavesNoCheckpoint() {
        Path dir = root.resolve("ckpt");
        assertThrows(SimulatedCrash.class,
            () -> CheckpointFiles.write(dir, config(1), model(1), state(1), crashAfter(1)));
        assertEquals("checkpoint " + dir + " does not exist", readError(dir, "dqn", 1));
        writeGeneration(dir, 1);
        assertEquals(1, readGeneration(dir));
    }

    /** Leftovers written by hand, as a kill would leave them. */
    @Test
    void readPicksTheLastCompleteCheckpointAmongLeftovers() throws IOException {
        Path dir = root.resolve("ckpt");
        Path previous = root.resolve("ckpt.old");
        Path incoming = root.resolve("ckpt.tmp");

        // killed between moving the old checkpoint aside and moving the new one in
        writeGeneration(previous, 1);
        Files.createDirectories(incoming);
        Files.write(incoming.resolve("model.safetensors"), model(2).toByteArray());
        Files.write(incoming.resolve("state.safetensors"), new byte[] {1, 2, 3}); // half written
        assertEquals(1, readGeneration(dir));
        writeGeneration(dir, 2);
        assertEquals(2, readGeneration(dir));
        assertEquals(List.of("ckpt"), names(root));

        // killed while deleting the previous checkpoint: it is half gone, the new one is in place
        Files.createDirectories(previous);
        Files.write(previous.resolve("state.safetensors"), state(1).toByteArray());
        assertEquals(2, readGeneration(dir));
        writeGeneration(dir, 3);
        assertEquals(3, readGeneration(dir));
        assertEquals(List.of("ckpt"), names(root));
    }

    // ---------------------------------------------------------------------------------------------

    /** Stands for a kill: an unchecked throwable the writer does not catch or clean up after. */
    private static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String step) {
            super("simulated crash after " + step);
        }
    }

    /** A step listener that crashes at the step with this index (0-based). */
    private static Consumer<String> crashAfter(int index) {
        int[] count = {0};
        return step -> {
            if (count[0]++ == index) {
                throw new SimulatedCrash(step);
            }
        };
    }

    private static String readError(Path dir, String algorithm, int version) {
        return assertThrows(UserInputException.class, () -> CheckpointFiles.read(dir, algorithm, version)).getMessage();
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

package io.rltrader.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Comparisons of two run directories for the resume tests. */
public final class ResumeChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResumeChecks() {
    }

    /** Same checkpoint bytes and the same log apart from the wall-clock throughput. */
    public static void assertSameRun(Path expected, Path actual) throws IOException {
        for (String file : List.of("checkpoint/model.safetensors", "checkpoint/state.safetensors",
                "checkpoint/config.json", "config.json")) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(file)), Files.readAllBytes(actual.resolve(file)), file);
        }
        assertEquals(names(expected), names(actual), "files of the run directory (no leftovers of interrupted writes)");
        assertEquals(names(expected.resolve("checkpoint")), names(actual.resolve("checkpoint")), "checkpoint files");
        assertEquals(withoutWallClock(expected.resolve(Training.LOG_FILE)), withoutWallClock(actual.resolve(Training.LOG_FILE)),
            "train.jsonl");
    }

    public static List<String> withoutWallClock(Path log) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            ObjectNode node = (ObjectNode) JSON.readTree(line);
            node.remove("transitions_per_s");
            lines.add(node.toString());
        }
        return lines;
    }

    private static List<String> names(Path directory) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}

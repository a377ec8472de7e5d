package io.rltrader.nn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rltrader.util.DurableFiles;
import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The on-disk layout of a checkpoint: one directory holding
 *
 * <pre>
 * config.json          {"format": "rltrader-checkpoint", "version": 1, "algorithm": "dqn", "config": {...}}
 * model.safetensors    the weights
 * state.safetensors    everything else needed to resume: optimizer moments, step counters, RNG state
 * </pre>
 *
 * <h2>Crash consistency</h2>
 * A checkpoint directory {@code D} is replaced as a whole, so a crash at any moment leaves either
 * the previous checkpoint or the new one, never a mix:
 * <ol>
 *   <li>delete a leftover {@code D.tmp} (an earlier write that never finished), create it, write the
 *       three files into it, force each file and the directory to disk;</li>
 *   <li>if {@code D} exists: delete a leftover {@code D.old}, then rename {@code D} to {@code D.old};</li>
 *   <li>rename {@code D.tmp} to {@code D}, force the parent directory;</li>
 *   <li>delete {@code D.old}.</li>
 * </ol>
 * Every rename is atomic, so {@code D}, whenever it exists, is a complete checkpoint; {@code D.old}
 * is complete whenever {@code D} does not exist (only a crash between steps 2 and 3 leaves that). So
 * {@link #read} takes {@code D} if it exists, else {@code D.old}, and never looks at {@code D.tmp}.
 * The next {@link #write} repairs any leftover. The directory belongs to this class: files put into
 * {@code D} by anything else are dropped by the next write. One writer per checkpoint at a time.
 */
public final class CheckpointFiles {
    /** Value of the {@code "format"} field. */
    public static final String FORMAT = "rltrader-checkpoint";
    public static final String CONFIG_FILE = "config.json";
    public static final String MODEL_FILE = "model.safetensors";
    public static final String STATE_FILE = "state.safetensors";
    /** Suffix of the sibling directory a new checkpoint is written into. */
    public static final String INCOMING_SUFFIX = ".tmp";
    /** Suffix of the sibling directory the previous checkpoint waits in while the new one moves in. */
    public static final String PREVIOUS_SUFFIX = ".old";

    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A checkpoint as read: the whole config.json tree and both tensor files. */
    public record Checkpoint(Path directory, JsonNode config, SafeTensorsFile model, SafeTensorsFile state) {
        /** The algorithm's own settings: the {@code "config"} field (a missing node if absent). */
        public JsonNode algorithmConfig() {
            return config.path("config");
        }
    }

    private CheckpointFiles() {
    }

    /**
     * A config.json tree: {@code {"format": "rltrader-checkpoint", "version": version, "algorithm":
     * algorithm, "config": algorithmConfig}}, where {@code algorithmConfig} is any value Jackson can
     * serialize (a record, a Map, a JsonNode).
     */
    public static ObjectNode configJson(String algorithm, int version, Object algorithmConfig) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", version);
        root.put("algorithm", algorithm);
        root.set("config", JSON.valueToTree(algorithmConfig));
        return root;
    }

    /**
     * Writes a checkpoint to {@code dir}, replacing the one there as a whole (see the class comment).
     * {@code config} must carry {@code "format": "rltrader-checkpoint"}, an integer {@code "version"}
     * and a string {@code "algorithm"}, as {@link #configJson} makes it.
     *
     * @throws UserInputException if the files cannot be written
     */
    public static void write(Path dir, JsonNode config, SafeTensorsFile.Writer model, SafeTensorsFile.Writer state) {
        write(dir, config, model, state, step -> { });
    }

    /** {@link #write}, calling {@code step} after each durable step; tests crash there. */
    static void write(Path dir, JsonNode config, SafeTensorsFile.Writer model, SafeTensorsFile.Writer state,
            Consumer<String> step) {
        requireHeader(config);
        byte[] configBytes;
        try {
            configBytes = (JSON.writeValueAsString(config) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint config cannot be written as JSON: " + e.getMessage(), e);
        }
        Path target = dir.toAbsolutePath().normalize();
        Path incoming = sibling(target, INCOMING_SUFFIX);
        Path previous = sibling(target, PREVIOUS_SUFFIX);
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new UserInputException("checkpoint " + dir + " exists and is not a directory");
            }
            DurableFiles.deleteRecursively(incoming, step);
            Files.createDirectory(incoming);
            model.writeAndForce(incoming.resolve(MODEL_FILE));
            step.accept("model written");
            state.writeAndForce(incoming.resolve(STATE_FILE));
            step.accept("state written");
            DurableFiles.writeAndForce(incoming.resolve(CONFIG_FILE), List.of(ByteBuffer.wrap(configBytes)));
            step.accept("config written");
            DurableFiles.forceDirectory(incoming);
            step.accept("incoming forced");
            commit(target, incoming, previous, step);
        } catch (IOException e) {
            throw new UserInputException("checkpoint " + dir + ": cannot write: " + e, e);
        }
    }

    /**
     * Moves {@code complete}, a directory whose files are all written and forced (for example a
     * checkpoint {@link #write} finished, with more files added next to it), into place as
     * {@code dir}, replacing the checkpoint there as a whole by the protocol of the class comment
     * (steps 2 to 4). {@code complete} must be a sibling of {@code dir} (same file system).
     */
    public static void replace(Path dir, Path complete) {
        Path target = dir.toAbsolutePath().normalize();
        Path source = complete.toAbsolutePath().normalize();
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("checkpoint " + complete + " to move into place is not a directory");
        }
        if (!source.getParent().equals(target.getParent())) {
            throw new IllegalArgumentException("checkpoint " + complete + " must be in the same directory as " + dir);
        }
        try {
            DurableFiles.forceDirectory(source);
            commit(target, source, sibling(target, PREVIOUS_SUFFIX), step -> { });
        } catch (IOException e) {
            throw new UserInputException("checkpoint " + dir + ": cannot write: " + e, e);
        }
    }

    private static void commit(Path target, Path incoming, Path previous, Consumer<String> step) throws IOException {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            // target is complete, so a leftover previous is garbage
            DurableFiles.deleteRecursively(previous, step);
            DurableFiles.moveAtomically(target, previous);
            DurableFiles.forceDirectory(target.getParent());
            step.accept("previous moved aside");
        }
        DurableFiles.moveAtomically(incoming, target);
        DurableFiles.forceDirectory(target.getParent());
        step.accept("incoming moved into place");
        DurableFiles.deleteRecursively(previous, step);
        DurableFiles.forceDirectory(target.getParent());
    }

    /**
     * Reads the checkpoint in {@code dir} (or, after a write interrupted between its two renames,
     * the previous one waiting in {@code dir.old}) and checks that it is an rltrader checkpoint of
     * {@code supportedVersion} written by {@code expectedAlgorithm}. Both tensor files are read and
     * validated; their tensors are checked by the caller ({@link SafeTensorsFile#requireTensor}).
     *
     * @throws UserInputException naming the directory and what is wrong
     */
    public static Checkpoint read(Path dir, String expectedAlgorithm, int supportedVersion) {
        Path committed = committedDirectory(dir);
        JsonNode config = readConfig(dir, committed.resolve(CONFIG_FILE));
        JsonNode format = config.get("format");
        if (format == null || !format.isTextual() || !format.textValue().equals(FORMAT)) {
            throw new UserInputException("checkpoint " + dir + " is not an rltrader checkpoint: " + CONFIG_FILE
                + " has " + (format == null ? "no \"format\"" : "format " + format) + ", expected \"" + FORMAT + "\"");
        }
        JsonNode version = config.get("version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt()) {
            throw new UserInputException("checkpoint " + dir + ": " + CONFIG_FILE + " has "
                + (version == null ? "no \"version\"" : "version " + version) + ", expected an integer");
        }
        if (version.intValue() != supportedVersion) {
            throw new UserInputException("checkpoint " + dir + " has format version " + version.intValue()
                + ", this rltrader reads version " + supportedVersion);
        }
        JsonNode algorithm = config.get("algorithm");
        if (algorithm == null || !algorithm.isTextual()) {
            throw new UserInputException("checkpoint " + dir + ": " + CONFIG_FILE + " has "
                + (algorithm == null ? "no \"algorithm\"" : "algorithm " + algorithm) + ", expected a string");
        }
        if (!algorithm.textValue().equals(expectedAlgorithm)) {
            throw new UserInputException("checkpoint " + dir + " was written by algorithm '" + algorithm.textValue()
                + "', expected '" + expectedAlgorithm + "'");
        }
        SafeTensorsFile model = SafeTensorsFile.read(requireFile(dir, committed, MODEL_FILE));
        SafeTensorsFile state = SafeTensorsFile.read(requireFile(dir, committed, STATE_FILE));
        return new Checkpoint(committed, config, model, state);
    }

    /**
     * {@code dir} if it exists, else {@code dir.old}: the last checkpoint whose write completed.
     *
     * @throws UserInputException if neither exists
     */
    public static Path committedDirectory(Path dir) {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path previous = sibling(dir, PREVIOUS_SUFFIX);
        if (Files.isDirectory(previous)) {
            return previous;
        }
        if (Files.exists(dir)) {
            throw new UserInputException("checkpoint " + dir + " is not a directory");
        }
        throw new UserInputException("checkpoint " + dir + " does not exist");
    }

    private static Path requireFile(Path dir, Path committed, String name) {
        Path file = committed.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("checkpoint " + dir + " is missing " + name + " (expected " + CONFIG_FILE
                + ", " + MODEL_FILE + " and " + STATE_FILE + ")");
        }
        return file;
    }

    private static JsonNode readConfig(Path dir, Path file) {
        JsonNode config;
        try {
            config = JSON.readTree(Files.readAllBytes(requireFile(dir, file.getParent(), CONFIG_FILE)));
        } catch (NoSuchFileException e) {
            throw new UserInputException("checkpoint " + dir + " is missing " + CONFIG_FILE, e);
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            int newline = message.indexOf('\n');
            throw new UserInputException(file + ":" + e.getLocation().getLineNr() + ": not valid JSON: "
                + (newline < 0 ? message : message.substring(0, newline)), e);
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (config == null || !config.isObject()) {
            throw new UserInputException(file + ": expected a JSON object with \"format\": \"" + FORMAT + "\"");
        }
        return config;
    }

    private static void requireHeader(JsonNode config) {
        if (config == null || !config.isObject() || !FORMAT.equals(config.path("format").textValue())
                || !config.path("version").canConvertToInt() || !config.path("version").isIntegralNumber()
                || !config.path("algorithm").isTextual()) {
            throw new IllegalArgumentException("checkpoint config must be an object with \"format\": \"" + FORMAT
                + "\", an integer \"version\" and a string \"algorithm\" (see CheckpointFiles.configJson); got "
                + config);
        }
    }

    private static Path sibling(Path dir, String suffix) {
        Path absolute = dir.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + suffix);
    }
}

package io.rltrader.agent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rltrader.nn.CheckpointFiles;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.Optimizer;
import io.rltrader.nn.ParameterSet;
import io.rltrader.nn.SafeTensorsFile;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BiConsumer;
import org.bytedeco.pytorch.Tensor;

/**
 * The pieces every agent's checkpoint is made of, on top of {@link io.rltrader.nn.CheckpointFiles}:
 * parameters under their layer names (the model file, readable from Python with the safetensors
 * package), optimizer moments and counters, generator states (the state file), and the agent's
 * config record as JSON. Reading checks every name, dtype, shape and that weights are finite.
 */
final class AgentCheckpoints {
    static final ObjectMapper JSON = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    private AgentCheckpoints() {
    }

    /**
     * Writes the checkpoint of a value-based agent: sizes and settings, the online network (model
     * file), and the target network, optimizer state, update count and exploration generator.
     */
    static void saveValueAgent(Path dir, String algorithm, int version, int observations, int actions,
                               Object config, ParameterSet online, ParameterSet target, Optimizer optimizer,
                               long updates, Rng exploration) {
        saveValueAgent(dir, algorithm, version, observations, actions, config, online, target, optimizer, updates,
            Map.of("exploration", exploration));
    }

    /**
     * As above, with any number of named generators (each stored as {@code rng.<name>}), for agents
     * that draw more than exploration noise (IQN's quantile fractions).
     */
    static void saveValueAgent(Path dir, String algorithm, int version, int observations, int actions,
                               Object config, ParameterSet online, ParameterSet target, Optimizer optimizer,
                               long updates, Map<String, Rng> generators) {
        SafeTensorsFile.Writer model = new SafeTensorsFile.Writer();
        writeParameters(model, "", online);
        SafeTensorsFile.Writer state = new SafeTensorsFile.Writer();
        writeParameters(state, "target.", target);
        writeOptimizer(state, "adam.", optimizer, online.size());
        state.add("updates", new long[0], new long[] {updates});
        for (Map.Entry<String, Rng> generator : new java.util.TreeMap<>(generators).entrySet()) {
            writeRng(state, "rng." + generator.getKey(), generator.getValue());
        }
        write(dir, algorithm, version, observations, actions, config, model, state);
    }

    /** The parts of a value-based agent's checkpoint before the agent exists: sizes, settings, files. */
    record ValueCheckpoint<C>(CheckpointFiles.Checkpoint files, int observations, int actions, C config) {
        /** Restores the state {@link #saveValueAgent} wrote into a freshly built agent; returns the update count. */
        long restore(ParameterSet online, ParameterSet target, Optimizer optimizer, Rng exploration) {
            return restore(online, target, optimizer, Map.of("exploration", exploration));
        }

        /** As above, for the named generators the agent saved with {@link #saveValueAgent}. */
        long restore(ParameterSet online, ParameterSet target, Optimizer optimizer, Map<String, Rng> generators) {
            readParameters(files.model(), "", online);
            readParameters(files.state(), "target.", target);
            readOptimizer(files.state(), "adam.", optimizer, online.size());
            for (Map.Entry<String, Rng> generator : generators.entrySet()) {
                readRng(files.state(), "rng." + generator.getKey(), generator.getValue());
            }
            return readLong(files.state(), "updates");
        }
    }

    /** Builds an agent of a checkpoint's sizes and settings; see {@link #loadValueAgent}. */
    @FunctionalInterface
    interface ValueAgentFactory<C, A> {
        A create(int observations, int actions, C config);
    }

    /**
     * Opens a value agent's checkpoint, builds the agent from its sizes and settings and restores its
     * state with {@code restore}; the agent is closed again if restoring fails.
     */
    static <C, A extends OffPolicyAgent> A loadValueAgent(Path dir, String algorithm, int version,
                                                         Class<C> configType, ValueAgentFactory<C, A> factory,
                                                         java.util.function.BiConsumer<A, ValueCheckpoint<C>> restore) {
        ValueCheckpoint<C> checkpoint = openValueAgent(dir, algorithm, version, configType);
        A agent = factory.create(checkpoint.observations(), checkpoint.actions(), checkpoint.config());
        try {
            restore.accept(agent, checkpoint);
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    static <C> ValueCheckpoint<C> openValueAgent(Path dir, String algorithm, int version, Class<C> configType) {
        CheckpointFiles.Checkpoint checkpoint = CheckpointFiles.read(dir, algorithm, version);
        JsonNode meta = checkpoint.algorithmConfig();
        return new ValueCheckpoint<>(checkpoint, requireInt(meta, "observations", dir), requireInt(meta, "actions", dir),
            agentConfig(meta, configType, dir));
    }

    /**
     * Writes a checkpoint directory whose config.json holds the sizes ({@code observations},
     * {@code actions}) and the agent's config record under {@code agent}.
     */
    static void write(Path dir, String algorithm, int version, int observations, int actions, Object config,
                      SafeTensorsFile.Writer model, SafeTensorsFile.Writer state) {
        ObjectNode meta = JSON.createObjectNode();
        meta.put("observations", observations);
        meta.put("actions", actions);
        meta.set("agent", JSON.valueToTree(config));
        model.metadata("algorithm", algorithm);
        CheckpointFiles.write(dir, CheckpointFiles.configJson(algorithm, version, meta), model, state);
    }

    /** Makes an agent of the sizes and config a checkpoint records. */
    @FunctionalInterface
    interface Factory<C, A> {
        A create(int observations, int actions, C config);
    }

    /**
     * Reads the checkpoint directory written by {@link #write} for {@code algorithm}, makes the agent
     * from its sizes and config, and lets {@code restore} fill it from the tensor files; an agent
     * whose restore fails is closed before the error goes on.
     */
    static <C, A extends OffPolicyAgent> A load(Path dir, String algorithm, int version, Class<C> configType,
                                                 Factory<C, A> factory,
                                                 BiConsumer<A, CheckpointFiles.Checkpoint> restore) {
        CheckpointFiles.Checkpoint checkpoint = CheckpointFiles.read(dir, algorithm, version);
        JsonNode meta = checkpoint.algorithmConfig();
        int observations = requireInt(meta, "observations", dir);
        int actions = requireInt(meta, "actions", dir);
        A agent = factory.create(observations, actions, agentConfig(meta, configType, dir));
        try {
            restore.accept(agent, checkpoint);
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    /** The agent's config record from the {@code agent} entry written by {@link #write}. */
    static <T> T agentConfig(JsonNode meta, Class<T> type, Path dir) {
        if (meta.get("agent") == null) {
            throw new UserInputException("checkpoint " + dir + ": config.json has no 'agent' settings");
        }
        return config(meta.get("agent"), type, dir);
    }

    /** The update count and the update-noise and exploration generators of an actor-critic agent. */
    static void writeCounters(SafeTensorsFile.Writer state, long updates, Rng updateRng, Rng explorationRng) {
        state.add("updates", new long[0], new long[] {updates});
        writeRng(state, "rng.update", updateRng);
        writeRng(state, "rng.exploration", explorationRng);
    }

    /** Restores what {@link #writeCounters} wrote into the generators; returns the update count. */
    static long readCounters(SafeTensorsFile state, Rng updateRng, Rng explorationRng) {
        readRng(state, "rng.update", updateRng);
        readRng(state, "rng.exploration", explorationRng);
        return readLong(state, "updates");
    }

    static void writeParameters(SafeTensorsFile.Writer writer, String prefix, ParameterSet parameters) {
        float[] flat = parameters.toArray();
        for (ParameterSet.Parameter p : parameters.parameters()) {
            float[] values = Arrays.copyOfRange(flat, (int) p.offset(), (int) (p.offset() + p.size()));
            writer.add(prefix + p.name(), p.shape(), values);
        }
    }

    static void readParameters(SafeTensorsFile file, String prefix, ParameterSet parameters) {
        float[] flat = new float[(int) parameters.size()];
        for (ParameterSet.Parameter p : parameters.parameters()) {
            String name = prefix + p.name();
            file.requireTensor(name, SafeTensorsFile.DType.F32, p.shape());
            float[] values = file.requireFinite(name).toFloatArray();
            System.arraycopy(values, 0, flat, (int) p.offset(), values.length);
        }
        parameters.load(flat);
    }

    static void writeOptimizer(SafeTensorsFile.Writer writer, String prefix, Optimizer optimizer, long size) {
        for (Map.Entry<String, Tensor> e : optimizer.state().entrySet()) {
            try (DeviceTensors staging = new DeviceTensors(ComputeDevice.CPU)) {
                writer.add(prefix + e.getKey(), new long[] {size}, staging.download(e.getValue(), (int) size));
            }
        }
        writer.add(prefix + "step", new long[0], new long[] {optimizer.steps()});
    }

    static void readOptimizer(SafeTensorsFile file, String prefix, Optimizer optimizer, long size) {
        for (Map.Entry<String, Tensor> e : optimizer.state().entrySet()) {
            String name = prefix + e.getKey();
            file.requireTensor(name, SafeTensorsFile.DType.F32, size);
            float[] values = file.requireFinite(name).toFloatArray();
            try (DeviceTensors staging = new DeviceTensors(ComputeDevice.CPU)) {
                staging.upload(e.getValue(), values, size);
            }
        }
        optimizer.restoreSteps(readLong(file, prefix + "step"));
    }

    static void writeRng(SafeTensorsFile.Writer writer, String name, Rng rng) {
        long[] state = rng.saveState();
        writer.add(name, new long[] {state.length}, state);
    }

    static void readRng(SafeTensorsFile file, String name, Rng rng) {
        long[] state = file.requireTensor(name, SafeTensorsFile.DType.I64, 3).toLongArray();
        rng.restoreState(state);
    }

    static long readLong(SafeTensorsFile file, String name) {
        return file.requireTensor(name, SafeTensorsFile.DType.I64).toLongArray()[0];
    }

    static <T> T config(JsonNode node, Class<T> type, Path dir) {
        try {
            return JSON.treeToValue(node, type);
        } catch (UserInputException e) {
            throw new UserInputException(dir + ": " + e.getMessage());
        } catch (Exception e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause != cause.getCause()) {
                cause = cause.getCause();
                if (cause instanceof UserInputException) {
                    throw new UserInputException(dir + ": " + cause.getMessage());
                }
            }
            String message = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
            throw new UserInputException(dir + ": settings do not describe a valid " + type.getSimpleName()
                + ": " + message);
        }
    }

    static int requireInt(JsonNode node, String field, Path dir) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new UserInputException("checkpoint " + dir + ": config.json needs an integer '" + field + "'");
        }
        return value.intValue();
    }
}

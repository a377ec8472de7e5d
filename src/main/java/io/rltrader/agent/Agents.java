package io.rltrader.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.util.UserInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agents the command line and the train/evaluate API can build by name, with their default
 * settings as JSON (the same field names as each agent's {@code Config} record), so that a config
 * file or {@code --set key=value} overrides are checked against the real fields.
 */
public final class Agents {
    private record Entry(String algorithm, ObjectNode defaults) {
    }

    private static final Map<String, Entry> REGISTRY = new TreeMap<>();

    static {
        register("dqn", DqnAgent.ALGORITHM, DqnAgent.Config.defaults());
        register("double-dqn", DqnAgent.ALGORITHM, DqnAgent.Config.defaults().withVariant(true, false));
        register("dueling-dqn", DqnAgent.ALGORITHM, DqnAgent.Config.defaults().withVariant(false, true));
        register("double-dueling-dqn", DqnAgent.ALGORITHM, DqnAgent.Config.defaults().withVariant(true, true));
        register("qr-dqn", QrDqnAgent.ALGORITHM, QrDqnAgent.Config.defaults());
        register("iqn", IqnAgent.ALGORITHM, IqnAgent.Config.defaults());
    }

    private Agents() {
    }

    private static void register(String name, String algorithm, Object defaults) {
        REGISTRY.put(name, new Entry(algorithm, AgentCheckpoints.JSON.valueToTree(defaults)));
    }

    public static List<String> names() {
        return new ArrayList<>(REGISTRY.keySet());
    }

    /** The algorithm its checkpoints are written under ({@code dqn} for every DQN variant). */
    public static String algorithm(String name) {
        return entry(name).algorithm();
    }

    /** A copy of the default settings of agent {@code name}. */
    public static ObjectNode defaults(String name) {
        return entry(name).defaults().deepCopy();
    }

    /**
     * Applies {@code overrides} (an object of settings) onto {@code settings}, refusing names the
     * agent does not have; {@code origin} names where they came from in errors (a file, --set).
     */
    public static void override(String name, ObjectNode settings, JsonNode overrides, String origin) {
        if (!overrides.isObject()) {
            throw new UserInputException(origin + ": expected a JSON object of " + name + " settings");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = overrides.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!settings.has(field.getKey())) {
                List<String> known = new ArrayList<>();
                settings.fieldNames().forEachRemaining(known::add);
                throw new UserInputException(origin + ": '" + field.getKey() + "' is not a " + name
                    + " setting (settings: " + String.join(", ", known) + ")");
            }
            settings.set(field.getKey(), field.getValue());
        }
    }

    /** Builds agent {@code name} for the given sizes from resolved settings. */
    public static OffPolicyAgent create(String name, int observations, int actions, JsonNode settings,
                                        ComputeDevice device) {
        String algorithm = algorithm(name);
        if (algorithm.equals(DqnAgent.ALGORITHM)) {
            DqnAgent.Config config = AgentCheckpoints.config(settings, DqnAgent.Config.class, Path.of("--set/--config"));
            return new DqnAgent(observations, actions, config, device);
        }
        if (algorithm.equals(QrDqnAgent.ALGORITHM)) {
            QrDqnAgent.Config config = AgentCheckpoints.config(settings, QrDqnAgent.Config.class, Path.of("--set/--config"));
            return new QrDqnAgent(observations, actions, config, device);
        }
        if (algorithm.equals(IqnAgent.ALGORITHM)) {
            IqnAgent.Config config = AgentCheckpoints.config(settings, IqnAgent.Config.class, Path.of("--set/--config"));
            return new IqnAgent(observations, actions, config, device);
        }
        throw new IllegalStateException("no factory for " + name);
    }

    /** Loads a checkpoint directory written by an agent of {@code name}. */
    public static OffPolicyAgent load(String name, Path dir, ComputeDevice device) {
        String algorithm = algorithm(name);
        if (algorithm.equals(DqnAgent.ALGORITHM)) {
            return DqnAgent.load(dir, device);
        }
        if (algorithm.equals(QrDqnAgent.ALGORITHM)) {
            return QrDqnAgent.load(dir, device);
        }
        if (algorithm.equals(IqnAgent.ALGORITHM)) {
            return IqnAgent.load(dir, device);
        }
        throw new IllegalStateException("no loader for " + name);
    }

    /** Saves any agent built here. */
    public static void save(OffPolicyAgent agent, Path dir) {
        if (agent instanceof DqnAgent dqn) {
            dqn.save(dir);
            return;
        }
        if (agent instanceof QrDqnAgent qr) {
            qr.save(dir);
            return;
        }
        if (agent instanceof IqnAgent iqn) {
            iqn.save(dir);
            return;
        }
        throw new IllegalStateException("no checkpoint writer for " + agent.getClass().getSimpleName());
    }

    private static Entry entry(String name) {
        Entry entry = REGISTRY.get(name);
        if (entry == null) {
            throw new UserInputException("--agent '" + name + "': expected one of " + String.join(", ", names()));
        }
        return entry;
    }
}

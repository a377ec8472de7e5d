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
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The agents the command line and the train/evaluate API can build by name, with their default
 * settings as JSON (the same field names as each agent's {@code Config} record), so that a config
 * file or {@code --set key=value} overrides are checked against the real fields.
 */
public final class Agents {
    @FunctionalInterface
    private interface Factory {
        OffPolicyAgent create(int observations, int actions, JsonNode settings, ComputeDevice device);
    }

    @FunctionalInterface
    private interface Loader {
        OffPolicyAgent load(Path dir, ComputeDevice device);
    }

    @FunctionalInterface
    private interface OnPolicyFactory {
        OnPolicyAgent create(int observations, int actions, int envs, boolean continuous, JsonNode settings);
    }

    private record Entry(String algorithm, ObjectNode defaults, boolean continuous, Factory factory, Loader loader,
                         OnPolicyFactory onPolicyFactory) {
    }

    private static final Path SETTINGS = Path.of("--set/--config");
    private static final Map<String, Entry> REGISTRY = new TreeMap<>();

    static {
        Factory dqn = (o, a, s, d) -> new DqnAgent(o, a, AgentCheckpoints.config(s, DqnAgent.Config.class, SETTINGS), d);
        register("dqn", DqnAgent.ALGORITHM, DqnAgent.Config.defaults(), false, dqn, DqnAgent::load);
        register("double-dqn", DqnAgent.ALGORITHM, DqnAgent.Config.defaults().withVariant(true, false), false, dqn,
            DqnAgent::load);
        register("dueling-dqn", DqnAgent.ALGORITHM, DqnAgent.Config.defaults().withVariant(false, true), false, dqn,
            DqnAgent::load);
        register("double-dueling-dqn", DqnAgent.ALGORITHM, DqnAgent.Config.defaults().withVariant(true, true), false,
            dqn, DqnAgent::load);
        register("qr-dqn", QrDqnAgent.ALGORITHM, QrDqnAgent.Config.defaults(), false,
            (o, a, s, d) -> new QrDqnAgent(o, a, AgentCheckpoints.config(s, QrDqnAgent.Config.class, SETTINGS), d),
            QrDqnAgent::load);
        register("sac", SacAgent.ALGORITHM, SacAgent.Config.defaults(), true,
            (o, a, s, d) -> new SacAgent(o, a, AgentCheckpoints.config(s, SacAgent.Config.class, SETTINGS), d),
            SacAgent::load);
        register("td3", Td3Agent.ALGORITHM, Td3Agent.Config.defaults(), true,
            (o, a, s, d) -> new Td3Agent(o, a, AgentCheckpoints.config(s, Td3Agent.Config.class, SETTINGS), d),
            Td3Agent::load);
        register("iqn", IqnAgent.ALGORITHM, IqnAgent.Config.defaults(), false,
            (o, a, s, d) -> new IqnAgent(o, a, AgentCheckpoints.config(s, IqnAgent.Config.class, SETTINGS), d),
            IqnAgent::load);
        REGISTRY.put("ppo", new Entry(PpoAgent.ALGORITHM, AgentCheckpoints.JSON.valueToTree(PpoAgent.Config.defaults()),
            false, null, null, (o, a, n, continuous, s) -> {
                PpoAgent.Config config = AgentCheckpoints.config(s, PpoAgent.Config.class, SETTINGS);
                return continuous ? PpoAgent.continuous(o, a, n, config) : PpoAgent.discrete(o, a, n, config);
            }));
        REGISTRY.put("reinforce", new Entry(ReinforceAgent.ALGORITHM,
            AgentCheckpoints.JSON.valueToTree(ReinforceAgent.Config.tutorial()), false, null, null,
            (o, a, n, continuous, s) -> new ReinforceAgent(o, a, n,
                AgentCheckpoints.config(s, ReinforceAgent.Config.class, SETTINGS))));
    }

    private Agents() {
    }

    private static void register(String name, String algorithm, Object defaults, boolean continuous, Factory factory,
                                 Loader loader) {
        REGISTRY.put(name, new Entry(algorithm, AgentCheckpoints.JSON.valueToTree(defaults), continuous, factory,
            loader, null));
    }

    public static List<String> names() {
        return new ArrayList<>(REGISTRY.keySet());
    }

    /** The algorithm its checkpoints are written under ({@code dqn} for every DQN variant). */
    public static String algorithm(String name) {
        return entry(name).algorithm();
    }

    /** Whether the agent learns on-policy from rollouts (PPO, REINFORCE) rather than from replay. */
    public static boolean onPolicy(String name) {
        return entry(name).onPolicyFactory() != null;
    }

    /** Builds an on-policy agent for {@code envs} environment rows, discrete or continuous actions. */
    public static OnPolicyAgent createOnPolicy(String name, int observations, int actions, int envs, boolean continuous,
                                               JsonNode settings) {
        Entry entry = entry(name);
        if (entry.onPolicyFactory() == null) {
            throw new IllegalArgumentException(name + " is not an on-policy agent");
        }
        return entry.onPolicyFactory().create(observations, actions, envs, continuous, settings);
    }

    /**
     * Loads any agent's checkpoint and binds its deterministic policy (greedy, or the mean action)
     * to {@code rows} observation rows; closing the returned policy closes its copies and the agent.
     * Single-threaded: {@link LoadedPolicy#copyFor} gives each further thread its own.
     */
    public static LoadedPolicy loadPolicy(String name, Path dir, ComputeDevice device, UnsafeBuffer observationRows,
                                          int rows, int expectedObservations) {
        Entry entry = entry(name);
        if (entry.onPolicyFactory() != null) {
            OnPolicyAgent onPolicy = loadOnPolicy(name, dir);
            requireObservations(dir, onPolicy.observationSize(), expectedObservations, onPolicy);
            if (onPolicy instanceof PpoAgent ppo && !ppo.actionSpec().discrete()) {
                return new LoadedPolicy(continuousMean(ppo.continuousPolicy(observationRows, rows)), onPolicy);
            }
            OffPolicyAgent.DiscretePolicy greedy = onPolicy instanceof PpoAgent ppo
                ? ppo.policy(observationRows, rows) : ((ReinforceAgent) onPolicy).policy(observationRows, rows);
            return new LoadedPolicy(deterministic(greedy), onPolicy);
        }
        OffPolicyAgent offPolicy = load(name, dir, device);
        requireObservations(dir, offPolicy.observationSize(), expectedObservations, offPolicy);
        return new LoadedPolicy(deterministic(offPolicy.policy(observationRows, rows)), offPolicy);
    }

    private static void requireObservations(Path dir, int observations, int expected, AutoCloseable agent) {
        if (observations != expected) {
            try {
                agent.close();
            } catch (Exception ignored) {
                // the error below is what matters
            }
            throw new UserInputException("--checkpoint " + dir + ": the agent takes " + observations
                + " observation values but the run's environment gives " + expected);
        }
    }

    /** Deterministic acting of a loaded agent, whatever its policy type. */
    private interface Inference {
        void act(UnsafeBuffer actionsOut);

        Inference copyFor(UnsafeBuffer observationRows, int rows);

        void close();
    }

    /** Exploration 0: greedy for discrete agents, the deterministic action for SAC and TD3. */
    private static Inference deterministic(OffPolicyAgent.BoundPolicy policy) {
        return new Inference() {
            @Override
            public void act(UnsafeBuffer actionsOut) {
                policy.act(actionsOut, 0.0);
            }

            @Override
            public Inference copyFor(UnsafeBuffer observationRows, int rows) {
                return deterministic(policy.copyFor(observationRows, rows));
            }

            @Override
            public void close() {
                policy.close();
            }
        };
    }

    private static Inference continuousMean(OnPolicyAgent.ContinuousPolicy policy) {
        return new Inference() {
            @Override
            public void act(UnsafeBuffer actionsOut) {
                policy.act(actionsOut);
            }

            @Override
            public Inference copyFor(UnsafeBuffer observationRows, int rows) {
                return continuousMean(policy.copyFor(observationRows, rows));
            }

            @Override
            public void close() {
                policy.close();
            }
        };
    }

    /**
     * A checkpoint's agent loaded for inference, with its deterministic policy bound to observation
     * rows ({@code exploration} is ignored). Single-threaded like every policy; {@link #copyFor}
     * gives another thread its own policy over other rows, sharing the loaded weights, for the cost
     * of one set of activations. Closing the loaded policy closes the copies not yet closed, then
     * the agent; close copies first if other threads may still be acting.
     */
    public static final class LoadedPolicy implements OffPolicyAgent.BoundPolicy {
        private final Inference inference;
        /** The agent, owned by the policy {@link #loadPolicy} returned; null in copies. */
        private final AutoCloseable agent;
        private final LoadedPolicy root;
        private final List<LoadedPolicy> copies;
        private boolean closed;

        private LoadedPolicy(Inference inference, AutoCloseable agent) {
            this.inference = inference;
            this.agent = agent;
            this.root = this;
            this.copies = new ArrayList<>();
        }

        private LoadedPolicy(Inference inference, LoadedPolicy root) {
            this.inference = inference;
            this.agent = null;
            this.root = root;
            this.copies = null;
        }

        @Override
        public void act(UnsafeBuffer actionsOut, double exploration) {
            inference.act(actionsOut);
        }

        @Override
        public LoadedPolicy copyFor(UnsafeBuffer observationRows, int rows) {
            synchronized (root) {
                if (root.closed || closed) {
                    throw new IllegalStateException("this loaded policy is closed");
                }
                LoadedPolicy copy = new LoadedPolicy(inference.copyFor(observationRows, rows), root);
                root.copies.add(copy);
                return copy;
            }
        }

        @Override
        public void close() {
            synchronized (root) {
                if (closed) {
                    return;
                }
                if (agent == null) {
                    closed = true;
                    root.copies.remove(this);
                    inference.close();
                    return;
                }
                for (int i = copies.size() - 1; i >= 0; i--) {
                    LoadedPolicy copy = copies.get(i);
                    copy.closed = true;
                    copy.inference.close();
                }
                copies.clear();
                closed = true;
                inference.close();
                try {
                    agent.close();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("closing the loaded agent failed", e);
                }
            }
        }
    }

    /** Whether the agent acts with continuous actions (target fractions) rather than discrete ones. */
    public static boolean continuous(String name) {
        return entry(name).continuous();
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

    /** Builds agent {@code name} for the given sizes (actions: choices, or action dimensions) from resolved settings. */
    public static OffPolicyAgent create(String name, int observations, int actions, JsonNode settings,
                                        ComputeDevice device) {
        return entry(name).factory().create(observations, actions, settings, device);
    }

    /** Loads a checkpoint directory written by the on-policy agent {@code name} (on the CPU). */
    public static OnPolicyAgent loadOnPolicy(String name, Path dir) {
        Entry entry = entry(name);
        if (entry.onPolicyFactory() == null) {
            throw new IllegalArgumentException(name + " is not an on-policy agent");
        }
        return entry.algorithm().equals(PpoAgent.ALGORITHM) ? PpoAgent.load(dir) : ReinforceAgent.load(dir);
    }

    /** Loads a checkpoint directory written by an agent of {@code name}. */
    public static OffPolicyAgent load(String name, Path dir, ComputeDevice device) {
        return entry(name).loader().load(dir, device);
    }

    private static Entry entry(String name) {
        Entry entry = REGISTRY.get(name);
        if (entry == null) {
            throw new UserInputException("--agent '" + name + "': expected one of " + String.join(", ", names()));
        }
        return entry;
    }
}

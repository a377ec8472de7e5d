package io.rltrader.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rltrader.memory.ActionSpec;
import io.rltrader.memory.RolloutBuffer;
import io.rltrader.nn.Activation;
import io.rltrader.nn.Adam;
import io.rltrader.nn.CheckpointFiles;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.GradientClipper;
import io.rltrader.nn.NativeRuntime;
import io.rltrader.nn.SafeTensorsFile;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the policy-gradient agents (PPO, REINFORCE) share and do not differ in: the actor-critic
 * networks with their optimizer and gradient clipper, the sampling generator, the update count,
 * the policies over env memory, and the checkpoint layout. Each agent keeps its own loss.
 */
final class PolicyGradientCore implements AutoCloseable {
    /** Checkpoint layout version the policy-gradient agents write and read. */
    static final int CHECKPOINT_VERSION = 1;

    /** The sizes and the agent's config section of a checkpoint's config.json. */
    record Header(CheckpointFiles.Checkpoint checkpoint, int observations, int actionSize, boolean continuous,
                  int envs, JsonNode agentConfig) {
    }

    final DeviceTensors arena;
    final ActorCritic net;
    final Adam optimizer;
    final GradientClipper clipper;
    final Rng samplingRng;
    final int envs;
    long updates;

    /** Sizes are validated by {@link #requireSizes} before this is made. */
    PolicyGradientCore(int observations, int actionSize, boolean continuous, int envs, List<Integer> hidden,
                       String activation, boolean sharedTrunk, boolean withCritic, double logStdInit,
                       double learningRate, double adamEpsilon, double maxGradNorm, long seed) {
        NativeRuntime.init();
        NativeRuntime.flushDenormalsOnThisThread();
        this.envs = envs;
        this.arena = new DeviceTensors(ComputeDevice.CPU);
        this.net = new ActorCritic(arena, observations, actionSize, continuous, hidden, Activation.parse(activation),
            sharedTrunk, withCritic, logStdInit, Rng.split(seed, 101));
        this.optimizer = new Adam(net.parameters, new Adam.Config(learningRate, 0.9, 0.999, adamEpsilon, 0, false));
        this.clipper = maxGradNorm > 0 ? new GradientClipper(net.parameters, maxGradNorm) : null;
        this.samplingRng = Rng.split(seed, 102);
    }

    /** Refuses sizes a user can get wrong, naming the algorithm, before anything native is made. */
    static void requireSizes(String algorithm, int observations, int actionSize, int envs) {
        if (observations <= 0) {
            throw new UserInputException(algorithm + ": observation size must be positive, got " + observations);
        }
        if (actionSize <= 0) {
            throw new UserInputException(algorithm + ": action size must be positive, got " + actionSize);
        }
        if (envs <= 0) {
            throw new UserInputException(algorithm + ": env count must be positive, got " + envs);
        }
    }

    ActionSpec actionSpec() {
        return net.continuous ? ActionSpec.continuous(net.actionSize) : ActionSpec.discreteIndex();
    }

    /** Clip (when configured) and one Adam step from the current gradients. */
    void step() {
        if (clipper != null) {
            optimizer.step(clipper);
        } else {
            optimizer.step();
        }
    }

    ActorCriticPolicies.Sampler sampler(UnsafeBuffer observationRows, UnsafeBuffer finalObservationRows) {
        return new ActorCriticPolicies.Sampler(net, samplingRng, observationRows, finalObservationRows, envs);
    }

    ActorCriticPolicies.Deterministic deterministic(UnsafeBuffer observationRows, int rows) {
        return new ActorCriticPolicies.Deterministic(net, samplingRng, observationRows, rows);
    }

    /**
     * {@code 1 - Var(R - V) / Var(R)} over the rollout (V recovered as return minus advantage); NaN
     * when the returns do not vary. In Java over off-heap floats: no allocation.
     */
    double explainedVariance(RolloutBuffer rollout) {
        int steps = rollout.config().steps();
        int n = rollout.config().numEnvs();
        double sumR = 0;
        double sumR2 = 0;
        double sumE = 0;
        double sumE2 = 0;
        for (int t = 0; t < steps; t++) {
            for (int e = 0; e < n; e++) {
                double r = rollout.returnValue(t, e);
                double error = rollout.advantage(t, e);
                sumR += r;
                sumR2 += r * r;
                sumE += error;
                sumE2 += error * error;
            }
        }
        double count = (double) steps * n;
        double varR = sumR2 / count - (sumR / count) * (sumR / count);
        double varE = sumE2 / count - (sumE / count) * (sumE / count);
        return varR > 0 ? 1 - varE / varR : Double.NaN;
    }

    /** The gradient norm before clipping of the last optimizer step; 0 without clipping (not computed). */
    double lastGradientNorm() {
        return clipper == null ? 0 : clipper.lastNorm();
    }

    void save(Path dir, String algorithm, Object config) {
        ObjectNode meta = AgentCheckpoints.JSON.createObjectNode();
        meta.put("observations", net.observations);
        meta.put("actionSize", net.actionSize);
        meta.put("continuous", net.continuous);
        meta.put("envs", envs);
        meta.set("agent", AgentCheckpoints.JSON.valueToTree(config));
        SafeTensorsFile.Writer model = new SafeTensorsFile.Writer();
        AgentCheckpoints.writeParameters(model, "", net.parameters);
        model.metadata("algorithm", algorithm);
        SafeTensorsFile.Writer state = new SafeTensorsFile.Writer();
        AgentCheckpoints.writeOptimizer(state, "adam.", optimizer, net.parameters.size());
        state.add("updates", new long[0], new long[] {updates});
        AgentCheckpoints.writeRng(state, "rng.sampling", samplingRng);
        CheckpointFiles.write(dir, CheckpointFiles.configJson(algorithm, CHECKPOINT_VERSION, meta), model, state);
    }

    private static Header readHeader(Path dir, String algorithm) {
        CheckpointFiles.Checkpoint checkpoint = CheckpointFiles.read(dir, algorithm, CHECKPOINT_VERSION);
        JsonNode meta = checkpoint.algorithmConfig();
        int observations = AgentCheckpoints.requireInt(meta, "observations", dir);
        int actionSize = AgentCheckpoints.requireInt(meta, "actionSize", dir);
        int envs = AgentCheckpoints.requireInt(meta, "envs", dir);
        JsonNode continuous = meta.get("continuous");
        if (continuous == null || !continuous.isBoolean()) {
            throw new UserInputException("checkpoint " + dir + ": config.json needs a boolean 'continuous'");
        }
        if (meta.get("agent") == null) {
            throw new UserInputException("checkpoint " + dir + ": config.json has no 'agent' settings");
        }
        return new Header(checkpoint, observations, actionSize, continuous.booleanValue(), envs, meta.get("agent"));
    }

    /** Builds an agent from its checkpoint's sizes and config. */
    @FunctionalInterface
    interface Factory<C, A> {
        A create(Header header, C config);
    }

    /**
     * Reads a checkpoint of {@code algorithm}: its header and config, an agent built by
     * {@code factory}, then that agent's weights, optimizer state, update count and generator.
     */
    static <C, A extends AutoCloseable> A load(Path dir, String algorithm, Class<C> configType, Factory<C, A> factory,
                                               Function<A, PolicyGradientCore> core) {
        Header header = readHeader(dir, algorithm);
        A agent = factory.create(header, AgentCheckpoints.config(header.agentConfig(), configType, dir));
        return restore(agent, core.apply(agent), header);
    }

    /** Fills a freshly built agent's state from the checkpoint; closes the agent if that fails. */
    private static <A extends AutoCloseable> A restore(A agent, PolicyGradientCore core, Header header) {
        try {
            CheckpointFiles.Checkpoint checkpoint = header.checkpoint();
            AgentCheckpoints.readParameters(checkpoint.model(), "", core.net.parameters);
            AgentCheckpoints.readOptimizer(checkpoint.state(), "adam.", core.optimizer, core.net.parameters.size());
            core.updates = AgentCheckpoints.readLong(checkpoint.state(), "updates");
            AgentCheckpoints.readRng(checkpoint.state(), "rng.sampling", core.samplingRng);
        } catch (RuntimeException e) {
            try {
                agent.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return agent;
    }

    @Override
    public void close() {
        if (clipper != null) {
            clipper.close();
        }
        optimizer.close();
        arena.close();
    }
}

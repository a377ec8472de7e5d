package io.rltrader.agent;

import io.rltrader.nn.Adam;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.GradientClipper;
import io.rltrader.nn.Kernels;
import io.rltrader.nn.ParameterSet;
import io.rltrader.util.Rng;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * What a value agent's update (DQN, QR-DQN, IQN) shares around its own maths: Adam on the online
 * network with optional global-norm clipping, the target network's sync, the update count, and the
 * checkpoint of all of it (with the agent's generators). A building block the agents hold, not a
 * base class: each agent still reads top to bottom in its own {@code update()}.
 */
final class ValueOptimization implements AutoCloseable {
    final ParameterSet online;
    final ParameterSet target;
    private final Adam optimizer;
    private final GradientClipper clipper;
    private final TargetSync targetSync;
    private long updates;

    ValueOptimization(DeviceTensors arena, ParameterSet online, ParameterSet target, double learningRate,
                      double maxGradNorm, int targetUpdateInterval, double tau, Kernels kernels) {
        this.online = online;
        this.target = target;
        this.targetSync = new TargetSync(arena, online, target, targetUpdateInterval, tau);
        this.optimizer = new Adam(online, Adam.Config.adam(learningRate), kernels);
        this.clipper = maxGradNorm > 0 ? new GradientClipper(online, maxGradNorm) : null;
    }

    /** After the backward pass has written the online gradients: clip, Adam step, count, target sync. */
    void step() {
        if (clipper != null) {
            optimizer.step(clipper);
        } else {
            optimizer.step();
        }
        updates++;
        targetSync.afterUpdate(updates);
    }

    long updates() {
        return updates;
    }

    Adam optimizer() {
        return optimizer;
    }

    /**
     * The fault check of the value agents: with clipping, the gradient norm (computed anyway) stands
     * for the loss, whose value is then not computed again. For DQN a non-finite TD error makes the
     * norm non-finite too; for the quantile agents the quantile Huber gradient is bounded, so a
     * finite norm means finite errors. Without clipping, {@code loss} is computed and checked.
     */
    String nonFiniteTerm(String lossName, DoubleSupplier loss) {
        return clipper != null ? FiniteTerms.first("gradient norm", lastGradientNorm())
            : FiniteTerms.first(lossName, loss.getAsDouble());
    }

    /** The global gradient norm before clipping in the last update, or NaN without clipping. */
    double lastGradientNorm() {
        return clipper == null ? Double.NaN : clipper.lastNorm();
    }

    /** Writes the checkpoint layout of {@link AgentCheckpoints#saveValueAgent}. */
    void save(Path dir, String algorithm, int version, int observations, int actions, Object config,
              Map<String, Rng> generators) {
        AgentCheckpoints.saveValueAgent(dir, algorithm, version, observations, actions, config, online, target,
            optimizer, updates, generators);
    }

    /** Restores what {@link #save} wrote into a freshly built agent's networks, optimizer and generators. */
    void restore(AgentCheckpoints.ValueCheckpoint<?> checkpoint, Map<String, Rng> generators) {
        updates = checkpoint.restore(online, target, optimizer, generators);
    }

    @Override
    public void close() {
        if (clipper != null) {
            clipper.close();
        }
        optimizer.close();
    }
}

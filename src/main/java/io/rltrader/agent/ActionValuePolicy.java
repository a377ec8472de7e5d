package io.rltrader.agent;

import io.rltrader.nn.BelowAutograd;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.OffHeapTensors;
import io.rltrader.util.Rng;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Tensor;

/**
 * Epsilon-greedy acting for {@code rows} observations that live in off-heap memory (an env's
 * observation buffer): one batched evaluation of the agent's action values, then a Java argmax per
 * row. What "action value" means is the agent's business (Q, or the mean of a return distribution's
 * quantiles); this class only moves memory and chooses. Bound once to that memory; {@link #act}
 * allocates nothing.
 */
public final class ActionValuePolicy implements OffPolicyAgent.DiscretePolicy {
    /** An agent's action-value evaluation bound to one input tensor. */
    interface Evaluation {
        /** Computes {@link #values()} from the bound input. */
        void forward();

        /** float32 [rows, actions] on the device. */
        Tensor values();
    }

    /**
     * Binds an agent's evaluation to {@code input} ([rows, observations], on the device) in
     * {@code arena}; {@code evaluationRng} is the generator the evaluation itself draws from (IQN's
     * fractions), or null.
     */
    @FunctionalInterface
    interface Binder {
        Evaluation bind(DeviceTensors arena, Tensor input, int rows, Rng evaluationRng);
    }

    private final ComputeDevice device;
    private final int rows;
    private final int observations;
    private final int actions;
    private final Rng rng;
    private final Rng evaluationRng;
    private final Binder binder;
    private final SingleThreadedUse use = new SingleThreadedUse("this action-value policy");
    private final OffHeapTensors views = new OffHeapTensors();
    private final DeviceTensors local;
    private final Evaluation evaluation;
    private final Tensor deviceInput;
    private final Tensor hostInput;
    private final Tensor hostValues;
    private final UnsafeBuffer values;

    /**
     * @param rng           exploration generator (epsilon)
     * @param evaluationRng generator of the evaluation itself (IQN's fractions), or null
     */
    ActionValuePolicy(ComputeDevice device, UnsafeBuffer observationRows, int rows, int observations, int actions,
                      Rng rng, Rng evaluationRng, Binder binder) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        this.device = device;
        this.rows = rows;
        this.observations = observations;
        this.actions = actions;
        this.rng = rng;
        this.evaluationRng = evaluationRng;
        this.binder = binder;
        this.local = new DeviceTensors(device);
        this.hostInput = views.float32(observationRows, rows, observations);
        this.deviceInput = device.isCuda() ? local.zeros(rows, observations) : hostInput;
        this.evaluation = binder.bind(local, deviceInput, rows, evaluationRng);
        if (device.isCuda() || !local.hasHost(evaluation.values())) {
            hostValues = local.hostZeros(rows, actions);
            values = local.host(hostValues);
        } else {
            hostValues = null;
            values = local.host(evaluation.values());
        }
    }

    /** {@link #forwardBelowAutograd}, made once so that acting allocates nothing. */
    private final Runnable forward = this::forwardBelowAutograd;

    /** Writes one int32 action per row into {@code actionsOut}: greedy, or uniform with probability epsilon. */
    @Override
    public void act(UnsafeBuffer actionsOut, double epsilon) {
        use.enter();
        try {
            evaluate();
            GreedyPolicy.act(values, rows, actions, actionsOut, epsilon, rng);
        } finally {
            use.exit();
        }
    }

    /** Evaluates the bound rows and returns host-readable action values [rows, actions] (float32). */
    public UnsafeBuffer forward() {
        use.enter();
        try {
            return evaluate();
        } finally {
            use.exit();
        }
    }

    /** A copy for another thread: same weights, own activations, generators copied from this policy's. */
    @Override
    public ActionValuePolicy copyFor(UnsafeBuffer observationRows, int rows) {
        use.enter();
        try {
            return new ActionValuePolicy(device, observationRows, rows, observations, actions, rng.copy(),
                evaluationRng == null ? null : evaluationRng.copy(), binder);
        } finally {
            use.exit();
        }
    }

    /** The forward pass, below autograd ({@link BelowAutograd}): its tensors never require grad. */
    private UnsafeBuffer evaluate() {
        BelowAutograd.run(forward);
        return values;
    }

    private void forwardBelowAutograd() {
        if (deviceInput != hostInput) {
            deviceInput.copy_(hostInput);
        }
        evaluation.forward();
        if (hostValues != null) {
            hostValues.copy_(evaluation.values());
        }
    }

    @Override
    public void close() {
        use.enter();
        try {
            local.close();
            views.close();
        } finally {
            use.exit();
        }
    }

    /** The single-thread check (tests hold it from another thread to provoke an overlapping call). */
    SingleThreadedUse singleThreadedUse() {
        return use;
    }
}

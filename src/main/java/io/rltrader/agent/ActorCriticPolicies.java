package io.rltrader.agent;

import io.rltrader.nn.BelowAutograd;
import io.rltrader.nn.CategoricalHead;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.DiagonalGaussianHead;
import io.rltrader.nn.OffHeapTensors;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Tensor;

/**
 * Acting with an {@link ActorCritic} over observation rows in off-heap memory (an env's buffers): one
 * batched forward, then sampling (or argmax / mean) in Java over the host-readable outputs. Every
 * view and activation is made at construction; acting allocates nothing.
 */
final class ActorCriticPolicies {
    private ActorCriticPolicies() {
    }

    /** The sampling policy of a rollout: actions, log-probabilities and values for N rows. */
    static final class Sampler implements OnPolicyAgent.RolloutPolicy {
        private final ActorCritic net;
        private final Rng rng;
        private final int rows;
        private final Bound bound;
        private final ActorCritic.Pass pass;
        /** {@code pass.forward()}, made once so that sampling allocates nothing. */
        private final Runnable forward;
        private final ActorCritic.Pass finalPass;
        private final UnsafeBuffer policyOutput;
        private final UnsafeBuffer logStd;
        private final int logStdOffset;
        private final UnsafeBuffer actions;
        private final UnsafeBuffer logProbs;
        private final UnsafeBuffer values;
        private final UnsafeBuffer currentValues;
        private final UnsafeBuffer finalValues;

        Sampler(ActorCritic net, Rng rng, UnsafeBuffer observationRows, UnsafeBuffer finalObservationRows, int rows) {
            this.net = net;
            this.rng = rng;
            this.rows = rows;
            bound = new Bound(net, observationRows, rows);
            pass = bound.pass;
            forward = pass::forward;
            finalPass = net.hasCritic ? bound.bind(net, finalObservationRows, rows) : null;
            policyOutput = bound.policyOutput;
            logStd = net.continuous ? net.parameters.arena().host(net.parameters.values()) : null;
            logStdOffset = net.continuous ? (int) net.logStd.offset() * Float.BYTES : 0;
            actions = OffHeap.allocate((long) rows * net.actionSize * Float.BYTES);
            logProbs = OffHeap.allocate((long) rows * Float.BYTES);
            if (net.hasCritic) {
                values = bound.local.host(pass.valueOutput());
                currentValues = values;
                finalValues = bound.local.host(finalPass.valueOutput());
            } else {
                // Without a critic every V is 0 (REINFORCE without a baseline).
                values = OffHeap.allocate((long) rows * Float.BYTES);
                currentValues = values;
                finalValues = values;
            }
        }

        @Override
        public void sample(UnsafeBuffer envActions) {
            BelowAutograd.run(forward);
            if (net.continuous) {
                for (int row = 0; row < rows; row++) {
                    DiagonalGaussianHead.sample(policyOutput, row, net.actionSize, logStd, logStdOffset, rng, actions,
                        envActions, logProbs);
                }
            } else {
                for (int row = 0; row < rows; row++) {
                    int action = CategoricalHead.sample(policyOutput, row, net.actionSize, rng, logProbs);
                    actions.putInt(row * Integer.BYTES, action);
                    envActions.putInt(row * Integer.BYTES, action);
                }
            }
        }

        @Override
        public UnsafeBuffer actions() {
            return actions;
        }

        @Override
        public UnsafeBuffer logProbs() {
            return logProbs;
        }

        @Override
        public UnsafeBuffer values() {
            return values;
        }

        @Override
        public UnsafeBuffer currentValues() {
            if (net.hasCritic) {
                pass.forwardValue();
            }
            return currentValues;
        }

        @Override
        public UnsafeBuffer finalValues() {
            if (net.hasCritic) {
                finalPass.forwardValue();
            }
            return finalValues;
        }

        @Override
        public void close() {
            bound.close();
        }
    }

    /**
     * Deterministic acting: the most likely action (ties to the lowest index, or uniform with
     * probability epsilon), or the mean action clipped to [-1, 1].
     */
    static final class Deterministic implements OffPolicyAgent.DiscretePolicy, OnPolicyAgent.ContinuousPolicy {
        private final ActorCritic net;
        private final Rng rng;
        private final int rows;
        private final Bound bound;
        private final ActorCritic.Pass pass;
        /** {@code pass.forwardPolicy()}, made once so that acting allocates nothing. */
        private final Runnable forwardPolicy;
        private final UnsafeBuffer policyOutput;
        private final SingleThreadedUse use = new SingleThreadedUse("this deterministic policy");

        Deterministic(ActorCritic net, Rng rng, UnsafeBuffer observationRows, int rows) {
            if (rows <= 0) {
                throw new IllegalArgumentException("rows must be positive, got " + rows);
            }
            this.net = net;
            this.rng = rng;
            this.rows = rows;
            bound = new Bound(net, observationRows, rows);
            pass = bound.pass;
            forwardPolicy = pass::forwardPolicy;
            policyOutput = bound.policyOutput;
        }

        /** The policy head's forward pass, below autograd ({@link BelowAutograd}). */
        private void forwardPolicy() {
            BelowAutograd.run(forwardPolicy);
        }

        @Override
        public void act(UnsafeBuffer actionsOut, double epsilon) {
            requireKind(false);
            use.enter();
            try {
                forwardPolicy();
                GreedyPolicy.act(policyOutput, rows, net.actionSize, actionsOut, epsilon, rng);
            } finally {
                use.exit();
            }
        }

        @Override
        public void act(UnsafeBuffer actionsOut) {
            requireKind(true);
            use.enter();
            try {
                forwardPolicy();
                int count = rows * net.actionSize;
                for (int i = 0; i < count; i++) {
                    float mean = policyOutput.getFloat(i * Float.BYTES);
                    actionsOut.putFloat(i * Float.BYTES, Math.max(-1f, Math.min(1f, mean)));
                }
            } finally {
                use.exit();
            }
        }

        /** A copy for another thread: the same network, its own pass, the generator copied. */
        @Override
        public Deterministic copyFor(UnsafeBuffer observationRows, int rows) {
            use.enter();
            try {
                return new Deterministic(net, rng.copy(), observationRows, rows);
            } finally {
                use.exit();
            }
        }

        private void requireKind(boolean continuous) {
            if (net.continuous != continuous) {
                throw new IllegalStateException("this policy has " + (net.continuous ? "continuous" : "discrete")
                    + " actions");
            }
        }

        @Override
        public void close() {
            use.enter();
            try {
                bound.close();
            } finally {
                use.exit();
            }
        }
    }

    /** An inference pass over observation rows in off-heap memory, with the arena and views it owns. */
    private static final class Bound implements AutoCloseable {
        private final OffHeapTensors views = new OffHeapTensors();
        private final DeviceTensors local = new DeviceTensors(ComputeDevice.CPU);
        private final ActorCritic.Pass pass;
        private final UnsafeBuffer policyOutput;

        Bound(ActorCritic net, UnsafeBuffer observationRows, int rows) {
            pass = bind(net, observationRows, rows);
            policyOutput = local.host(pass.policyOutput());
        }

        /** A further pass in this arena (the final observations' critic). */
        ActorCritic.Pass bind(ActorCritic net, UnsafeBuffer observationRows, int rows) {
            Tensor input = views.float32(observationRows, rows, net.observations);
            return net.bind(local, rows, input, false);
        }

        @Override
        public void close() {
            local.close();
            views.close();
        }
    }
}

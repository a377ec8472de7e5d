package io.rltrader.agent;

import io.rltrader.memory.RolloutMinibatch;
import io.rltrader.nn.Activation;
import io.rltrader.nn.Binding;
import io.rltrader.nn.CategoricalHead;
import io.rltrader.nn.Dense;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.LayerPass;
import io.rltrader.nn.DiagonalGaussianHead;
import io.rltrader.nn.ParameterSet;
import io.rltrader.nn.Sequential;
import io.rltrader.util.Rng;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * The networks of a policy-gradient agent in one {@link ParameterSet} (one optimizer, one global
 * gradient norm): an actor giving logits (discrete) or means (continuous, with a state-independent
 * {@code log_std} parameter) and optionally a critic giving V(s). Separate MLPs
 * ({@code pi.i.*}, {@code vf.i.*}) or a shared trunk ({@code trunk.i.*}) with two linear heads
 * ({@code pi.*}, {@code vf.*}). The actor's output layer starts 100x smaller than PyTorch's default
 * (CleanRL's orthogonal gain 0.01), so the first policy is close to uniform / zero-mean.
 */
final class ActorCritic {
    final ParameterSet parameters;
    final int observations;
    final int actionSize;
    final boolean continuous;
    final boolean hasCritic;
    final boolean sharedTrunk;
    final ParameterSet.Parameter logStd;
    private final Sequential actor;
    private final Sequential critic;
    private final Sequential trunk;
    private final Dense policyOut;
    private final Dense valueOut;

    ActorCritic(DeviceTensors arena, int observations, int actionSize, boolean continuous, List<Integer> hidden,
                Activation activation, boolean sharedTrunk, boolean withCritic, double logStdInit, Rng rng) {
        this.observations = observations;
        this.actionSize = actionSize;
        this.continuous = continuous;
        this.hasCritic = withCritic;
        this.sharedTrunk = sharedTrunk && withCritic;
        int[] widths = hidden.stream().mapToInt(Integer::intValue).toArray();
        ParameterSet.Builder builder = ParameterSet.builder();
        if (this.sharedTrunk) {
            int last = widths[widths.length - 1];
            trunk = Sequential.mlp(builder, "trunk", observations, Arrays.copyOf(widths, widths.length - 1), last,
                activation, activation);
            policyOut = new Dense(builder, "pi", last, actionSize, Activation.IDENTITY);
            valueOut = new Dense(builder, "vf", last, 1, Activation.IDENTITY);
            actor = null;
            critic = null;
        } else {
            trunk = null;
            actor = Sequential.mlp(builder, "pi", observations, widths, actionSize, activation, Activation.IDENTITY);
            critic = withCritic
                ? Sequential.mlp(builder, "vf", observations, widths, 1, activation, Activation.IDENTITY) : null;
            policyOut = (Dense) actor.layers().get(actor.layers().size() - 1);
            valueOut = null;
        }
        logStd = continuous
            ? builder.add("log_std", ParameterSet.Initializer.constant(logStdInit), actionSize) : null;
        parameters = builder.build(arena, rng);
        float[] flat = parameters.toArray();
        for (ParameterSet.Parameter p : List.of(policyOut.weight(), policyOut.bias())) {
            for (long i = p.offset(); i < p.offset() + p.size(); i++) {
                flat[(int) i] *= 0.01f;
            }
        }
        parameters.load(flat);
    }

    /** Binds actor and critic to {@code input} [batch, observations]. */
    Pass bind(DeviceTensors arena, int batch, Tensor input, boolean training) {
        return new Pass(new Binding(arena, batch, training), input);
    }

    /** Both networks bound to one input; the critic's output viewed as [batch]. */
    final class Pass {
        private final LayerPass policy;
        private final LayerPass value;
        private final LayerPass trunkPass;
        private final Tensor valueGradInput;
        private final Tensor values;
        private final Tensor gradValues;

        private Pass(Binding binding, Tensor input) {
            DeviceTensors arena = binding.arena();
            int batch = binding.batch();
            if (sharedTrunk) {
                trunkPass = trunk.bind(binding, input, null);
                Tensor features = trunkPass.output();
                Tensor gradFeatures = binding.training() ? trunkPass.gradOutput() : null;
                valueGradInput = binding.gradient(trunk.outFeatures());
                policy = policyOut.bind(binding, features, gradFeatures);
                value = valueOut.bind(binding, features, valueGradInput);
            } else {
                trunkPass = null;
                valueGradInput = null;
                policy = actor.bind(binding, input, null);
                value = hasCritic ? critic.bind(binding, input, null) : null;
            }
            values = value == null ? null : arena.own(value.output().view(batch));
            gradValues = value == null || !binding.training() ? null : arena.own(value.gradOutput().view(batch));
        }

        /** Runs actor and critic. */
        void forward() {
            if (trunkPass != null) {
                trunkPass.forward();
            }
            policy.forward();
            if (value != null) {
                value.forward();
            }
        }

        /** Runs only what the policy output needs. */
        void forwardPolicy() {
            if (trunkPass != null) {
                trunkPass.forward();
            }
            policy.forward();
        }

        /** Runs only what V(s) needs. */
        void forwardValue() {
            if (trunkPass != null) {
                trunkPass.forward();
            }
            value.forward();
        }

        /** Back-propagates {@link #gradPolicy()} and {@link #gradValues()}; overwrites every gradient. */
        void backward() {
            policy.backward(true);
            if (value != null) {
                value.backward(true);
            }
            if (trunkPass != null) {
                trunkPass.gradOutput().add_(valueGradInput);
                trunkPass.backward(true);
            }
        }

        /** Logits or means, [batch, actionSize]. */
        Tensor policyOutput() {
            return policy.output();
        }

        Tensor gradPolicy() {
            return policy.gradOutput();
        }

        /** V(s), [batch]; null without a critic. */
        Tensor values() {
            return values;
        }

        Tensor gradValues() {
            return gradValues;
        }

        Tensor valueOutput() {
            return value.output();
        }
    }

    /** A training pass over a minibatch: networks, the policy head on the minibatch's actions, gradients. */
    TrainingPass bindTraining(DeviceTensors arena, RolloutMinibatch minibatch) {
        return new TrainingPass(arena, minibatch);
    }

    /**
     * Forward of both networks and the policy head on a {@link RolloutMinibatch}; the caller writes
     * {@link #gradLogProb()}, {@link #gradEntropy()} and {@link #gradValues()} and calls
     * {@link #backward()}.
     */
    final class TrainingPass {
        final Pass net;
        private final CategoricalHead categorical;
        private final DiagonalGaussianHead gaussian;
        private final Tensor actionIndex;
        private final Tensor gradLogProb;
        private final Tensor gradEntropy;

        private TrainingPass(DeviceTensors arena, RolloutMinibatch minibatch) {
            int batch = minibatch.size();
            net = bind(arena, batch, minibatch.observations(), true);
            gradLogProb = arena.zeros(batch);
            gradEntropy = arena.zeros(batch);
            if (continuous) {
                categorical = null;
                actionIndex = null;
                gaussian = new DiagonalGaussianHead(arena, net.policyOutput(), logStd, minibatch.actions(),
                    net.gradPolicy(), gradLogProb, gradEntropy, batch, actionSize);
            } else {
                gaussian = null;
                actionIndex = arena.own(minibatch.actions().view(batch, 1));
                categorical = new CategoricalHead(arena, net.policyOutput(), net.gradPolicy(), gradLogProb,
                    gradEntropy, batch, actionSize);
            }
        }

        void forward() {
            net.forward();
            if (categorical != null) {
                categorical.setActions(actionIndex);
                categorical.compute();
            } else {
                gaussian.compute();
            }
        }

        void backward() {
            if (categorical != null) {
                categorical.backward();
            } else {
                gaussian.backward();
            }
            net.backward();
        }

        Tensor logProb() {
            return categorical != null ? categorical.logProb() : gaussian.logProb();
        }

        Tensor entropy() {
            return categorical != null ? categorical.entropy() : gaussian.entropy();
        }

        Tensor values() {
            return net.values();
        }

        Tensor gradLogProb() {
            return gradLogProb;
        }

        Tensor gradEntropy() {
            return gradEntropy;
        }

        Tensor gradValues() {
            return net.gradValues();
        }
    }
}

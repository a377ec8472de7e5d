package io.rltrader.nn;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The dueling head of Wang et al. (2016): from shared features, a value stream {@code V [B, 1]} and
 * an advantage stream {@code A [B, actions]}, combined as {@code Q = V + A - mean(A)}.
 *
 * <p>The combination is linear, so it is one GEMM with a fixed matrix {@code C = I - 1/n} plus the
 * broadcast value, and its backward is {@code dA = dQ C} (C is symmetric), {@code dV = dQ 1}. The
 * feature gradient is the sum of both streams' input gradients.
 */
public final class DuelingHead implements Layer {
    private final Layer valueStream;
    private final Layer advantageStream;
    private final int actions;

    public DuelingHead(Layer valueStream, Layer advantageStream) {
        if (valueStream.outFeatures() != 1) {
            throw new IllegalArgumentException("value stream must have 1 output, has " + valueStream.outFeatures());
        }
        if (valueStream.inFeatures() != advantageStream.inFeatures()) {
            throw new IllegalArgumentException("value and advantage streams take different feature sizes");
        }
        this.valueStream = valueStream;
        this.advantageStream = advantageStream;
        this.actions = advantageStream.outFeatures();
    }

    /** The tutorial's head: each stream is Linear(h, h) + ReLU + Linear(h, out). */
    public static DuelingHead of(ParameterSet.Builder parameters, String prefix, int features, int hidden, int actions) {
        return new DuelingHead(
            Sequential.mlp(parameters, prefix + ".value", features, new int[] {hidden}, 1, Activation.RELU, Activation.IDENTITY),
            Sequential.mlp(parameters, prefix + ".advantage", features, new int[] {hidden}, actions,
                Activation.RELU, Activation.IDENTITY));
    }

    @Override
    public int inFeatures() {
        return valueStream.inFeatures();
    }

    @Override
    public int outFeatures() {
        return actions;
    }

    @Override
    public LayerPass bind(Binding binding, Tensor input, Tensor gradInput) {
        return new Pass(binding, input, gradInput);
    }

    private final class Pass extends LayerPass {
        private final LayerPass value;
        private final LayerPass advantage;
        private final Tensor gradInput;
        private final Tensor advantageGradInput;
        private final Tensor centering;
        private final Tensor valueRows;
        private final Tensor onesActions;
        private final Scalar zero = NativeConstants.ZERO;
        private final Scalar unit = NativeConstants.ONE;

        Pass(Binding binding, Tensor input, Tensor gradInput) {
            super(binding.activation(actions), binding.gradient(actions));
            DeviceTensors arena = binding.arena();
            this.gradInput = gradInput;
            this.advantageGradInput = gradInput == null ? null : binding.gradient(inFeatures());
            this.value = valueStream.bind(binding, input, gradInput);
            this.advantage = advantageStream.bind(binding, input, advantageGradInput);
            float[] c = new float[actions * actions];
            for (int i = 0; i < actions; i++) {
                for (int j = 0; j < actions; j++) {
                    c[i * actions + j] = (i == j ? 1f : 0f) - 1f / actions;
                }
            }
            this.centering = arena.zeros(actions, actions);
            arena.upload(centering, c, actions, actions);
            this.valueRows = arena.own(value.output().expand(binding.batch(), actions));
            this.onesActions = arena.full(1.0, actions, 1);
        }

        @Override
        public void forward() {
            value.forward();
            advantage.forward();
            output.addmm_(advantage.output(), centering, zero, unit).add_(valueRows);
        }

        @Override
        public void backward(boolean parameterGradients) {
            advantage.gradOutput().addmm_(gradOutput, centering, zero, unit);
            value.gradOutput().addmm_(gradOutput, onesActions, zero, unit);
            value.backward(parameterGradients);
            advantage.backward(parameterGradients);
            if (gradInput != null) {
                gradInput.add_(advantageGradInput);
            }
        }
    }
}

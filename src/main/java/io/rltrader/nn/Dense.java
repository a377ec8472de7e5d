package io.rltrader.nn;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * A fully connected layer {@code y = act(x W^T + b)} with PyTorch's {@code nn.Linear} layout
 * (weight {@code [out, in]}, bias {@code [out]}) and initialization (U(-1/sqrt(in), 1/sqrt(in)) for
 * both), with the activation fused in so that one layer is one bound pass.
 *
 * <p>Forward: {@code y.copy_(b).addmm_(x, W^T)} then the activation in place: two or three native
 * calls (for a single row {@code y.copy_(b).addmv_(W, x)}, a matrix-vector product). Backward, with {@code g} the gradient before the activation: {@code dW = g^T x},
 * {@code db = g^T 1}, {@code dx = g W}: three GEMM/GEMV calls that overwrite their outputs (beta 0).
 */
public final class Dense implements Layer {
    private final int in;
    private final int out;
    private final Activation activation;
    private final ParameterSet.Parameter weight;
    private final ParameterSet.Parameter bias;

    public Dense(ParameterSet.Builder parameters, String name, int in, int out, Activation activation) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("layer " + name + " needs positive sizes, got " + in + " -> " + out);
        }
        this.in = in;
        this.out = out;
        this.activation = activation;
        ParameterSet.Initializer init = ParameterSet.Initializer.uniformFanIn(in);
        this.weight = parameters.add(name + ".weight", init, out, in);
        this.bias = parameters.add(name + ".bias", init, out);
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }

    public Activation activation() {
        return activation;
    }

    public ParameterSet.Parameter weight() {
        return weight;
    }

    public ParameterSet.Parameter bias() {
        return bias;
    }

    @Override
    public LayerPass bind(Binding binding, Tensor input, Tensor gradInput) {
        return new Pass(binding, input, gradInput);
    }

    private final class Pass extends LayerPass {
        private final Tensor input;
        private final Tensor gradInput;
        private final Tensor weightT;
        private final Tensor biasRows;
        private final Tensor inputRow;
        private final Tensor outputRow;
        private final Tensor preGrad;
        private final BoxedOp reluBackward;
        private final Tensor preGradT;
        private final Tensor elu;
        private final Tensor one;
        private final Tensor zeroTensor;
        private final Tensor onesBatch;
        private final Scalar zero = NativeConstants.ZERO;
        private final Scalar unit = NativeConstants.ONE;

        Pass(Binding binding, Tensor input, Tensor gradInput) {
            super(binding.activation(out), binding.gradient(out));
            DeviceTensors arena = binding.arena();
            this.input = input;
            this.gradInput = gradInput;
            this.weightT = arena.own(weight.value().t());
            this.biasRows = arena.own(bias.value().expand(binding.batch(), out));
            // One row (acting for one env): a matrix-vector product. The same product as a GEMM of one
            // row costs ~14 µs at 128 x 128 where the GEMV costs ~2 (OpenBLAS packs for a GEMM).
            this.inputRow = binding.batch() == 1 ? arena.own(input.select(0, 0)) : null;
            this.outputRow = binding.batch() == 1 ? arena.own(output.select(0, 0)) : null;
            this.elu = activation == Activation.ELU ? binding.activation(out) : null;
            this.one = activation == Activation.ELU || activation == Activation.TANH ? arena.constant(1.0) : null;
            this.zeroTensor = activation == Activation.ELU ? arena.constant(0.0) : null;
            if (binding.training()) {
                this.preGrad = activation == Activation.IDENTITY || activation == Activation.RELU
                    ? gradOutput : binding.gradient(out);
                // relu' = 1 where the output is positive: PyTorch's threshold_backward (g where y > 0,
                // else 0), one op written over gradOutput, this layer's own buffer.
                this.reluBackward = activation == Activation.RELU ? new BoxedOp(arena, "aten::threshold_backward",
                    "grad_input", "grad_output:Tensor self:Tensor threshold:Scalar grad_input:Tensor",
                    BoxedOp.tensor(arena, gradOutput), BoxedOp.tensor(arena, output), BoxedOp.scalar(arena, 0.0),
                    BoxedOp.tensor(arena, gradOutput)) : null;
                this.preGradT = arena.own(preGrad.t());
                this.onesBatch = binding.onesBatch();
            } else {
                this.preGrad = null;
                this.reluBackward = null;
                this.preGradT = null;
                this.onesBatch = null;
            }
        }

        @Override
        public void forward() {
            if (outputRow != null) {
                outputRow.copy_(bias.value()).addmv_(weight.value(), inputRow);
            } else {
                output.copy_(biasRows).addmm_(input, weightT);
            }
            switch (activation) {
                case RELU -> output.relu_();
                case TANH -> output.tanh_();
                case ELU -> {
                    // elu(x) = relu(x) + exp(min(x, 0)) - 1; exp(min(x, 0)) is also the derivative.
                    elu.copy_(output).clamp_max_(zeroTensor).exp_();
                    output.relu_().add_(elu).sub_(one);
                }
                case IDENTITY -> {
                }
            }
        }

        @Override
        public void backward(boolean parameterGradients) {
            switch (activation) {
                case RELU -> reluBackward.call();
                // tanh' = 1 - y^2, applied as -(y^2 - 1) * g.
                case TANH -> preGrad.copy_(output).square_().sub_(one).mul_(gradOutput).neg_();
                case ELU -> preGrad.copy_(elu).mul_(gradOutput);
                case IDENTITY -> {
                }
            }
            if (parameterGradients) {
                weight.gradient().addmm_(preGradT, input, zero, unit);
                bias.gradient().addmv_(preGradT, onesBatch, zero, unit);
            }
            if (gradInput != null) {
                gradInput.addmm_(preGrad, weight.value(), zero, unit);
            }
        }
    }
}

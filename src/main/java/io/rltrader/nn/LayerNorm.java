package io.rltrader.nn;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Layer normalization over the feature dimension (Ba et al., 2016) with PyTorch's
 * {@code nn.LayerNorm(features)} semantics: {@code y = (x - mean) / sqrt(var + eps) * gamma + beta}
 * per row, with the biased variance (divided by D, not D - 1), eps 1e-5 by default, and the
 * elementwise affine parameters {@code gamma} (initialized to 1) and {@code beta} (to 0), named
 * {@code name.weight} and {@code name.bias} as in PyTorch's state dict.
 *
 * <p>Forward, with {@code xhat = (x - mean) * rstd}: the row means are one GEMV with a vector of
 * 1/D ({@code mean.addmv_(x, invD, 0, 1)}), broadcast back over the row through an {@code expand}
 * view made at bind time; the centered rows are centered once more with their own mean (which
 * removes the rounding error of a float mean when the rows share an offset large against their
 * spread), and the variance is the same GEMV over the squared centered input. Backward, with
 * {@code dxhat = dy * gamma}:
 * <pre>
 *   dx     = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
 *   dgamma = sum_b dy * xhat
 *   dbeta  = sum_b dy
 * </pre>
 * where the means run over features (GEMV with 1/D) and the sums over the batch (GEMV with ones).
 * Fifteen forward and fourteen backward native calls, all in place into preallocated tensors.
 */
public final class LayerNorm implements Layer {
    /** PyTorch's default {@code eps}. */
    public static final double DEFAULT_EPSILON = 1e-5;

    private final int features;
    private final double epsilon;
    private final ParameterSet.Parameter gamma;
    private final ParameterSet.Parameter beta;

    public LayerNorm(ParameterSet.Builder parameters, String name, int features) {
        this(parameters, name, features, DEFAULT_EPSILON);
    }

    public LayerNorm(ParameterSet.Builder parameters, String name, int features, double epsilon) {
        if (features <= 0) {
            throw new IllegalArgumentException("layer norm " + name + " needs a positive feature count, got "
                + features);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("layer norm " + name + " needs a positive epsilon, got " + epsilon);
        }
        this.features = features;
        this.epsilon = epsilon;
        this.gamma = parameters.add(name + ".weight", ParameterSet.Initializer.constant(1.0), features);
        this.beta = parameters.add(name + ".bias", ParameterSet.Initializer.constant(0.0), features);
    }

    @Override
    public int inFeatures() {
        return features;
    }

    @Override
    public int outFeatures() {
        return features;
    }

    public double epsilon() {
        return epsilon;
    }

    /** The scale, {@code [features]}, PyTorch's {@code weight}. */
    public ParameterSet.Parameter gamma() {
        return gamma;
    }

    /** The shift, {@code [features]}, PyTorch's {@code bias}. */
    public ParameterSet.Parameter beta() {
        return beta;
    }

    @Override
    public LayerPass bind(Binding binding, Tensor input, Tensor gradInput) {
        return new Pass(binding, input, gradInput);
    }

    private final class Pass extends LayerPass {
        private final Tensor input;
        private final Tensor gradInput;
        private final Tensor invFeatures;
        private final Tensor eps;
        private final Tensor mean;
        private final Tensor meanRows;
        private final Tensor meanResidual;
        private final Tensor meanResidualRows;
        private final Tensor variance;
        private final Tensor rstd;
        private final Tensor rstdRows;
        private final Tensor normalized;
        private final Tensor scratch;
        private final Tensor scratchT;
        private final Tensor gammaRows;
        private final Tensor betaRows;
        // Training only.
        private final Tensor gradOutputT;
        private final Tensor gradNormalized;
        private final Tensor meanGrad;
        private final Tensor meanGradRows;
        private final Tensor meanGradDotNormalized;
        private final Tensor meanGradDotNormalizedRows;
        private final Tensor onesBatch;
        private final Scalar zero = NativeConstants.ZERO;
        private final Scalar unit = NativeConstants.ONE;
        private final Scalar minusOne = NativeConstants.MINUS_ONE;

        Pass(Binding binding, Tensor input, Tensor gradInput) {
            super(binding.activation(features), binding.gradient(features));
            DeviceTensors arena = binding.arena();
            int batch = binding.batch();
            this.input = input;
            this.gradInput = gradInput;
            this.invFeatures = arena.full(1.0 / features, features);
            this.eps = arena.constant(epsilon);
            this.mean = arena.zeros(batch);
            this.meanRows = rows(arena, mean, batch);
            this.meanResidual = arena.zeros(batch);
            this.meanResidualRows = rows(arena, meanResidual, batch);
            this.variance = arena.zeros(batch);
            this.rstd = arena.zeros(batch);
            this.rstdRows = rows(arena, rstd, batch);
            this.normalized = binding.activation(features);
            this.scratch = binding.activation(features);
            this.scratchT = arena.own(scratch.t());
            this.gammaRows = arena.own(gamma.value().expand(batch, features));
            this.betaRows = arena.own(beta.value().expand(batch, features));
            if (binding.training()) {
                this.gradOutputT = arena.own(gradOutput.t());
                this.gradNormalized = binding.activation(features);
                this.meanGrad = arena.zeros(batch);
                this.meanGradRows = rows(arena, meanGrad, batch);
                this.meanGradDotNormalized = arena.zeros(batch);
                this.meanGradDotNormalizedRows = rows(arena, meanGradDotNormalized, batch);
                this.onesBatch = binding.onesBatch();
            } else {
                this.gradOutputT = null;
                this.gradNormalized = null;
                this.meanGrad = null;
                this.meanGradRows = null;
                this.meanGradDotNormalized = null;
                this.meanGradDotNormalizedRows = null;
                this.onesBatch = null;
            }
        }

        /** A [batch] vector seen as [batch, features], each value repeated along its row (no copy). */
        private Tensor rows(DeviceTensors arena, Tensor perRow, int batch) {
            return arena.own(arena.own(perRow.view(batch, 1)).expand(batch, features));
        }

        @Override
        public void forward() {
            mean.addmv_(input, invFeatures, zero, unit);
            normalized.copy_(input).sub_(meanRows);
            // The float mean is off by up to half an ulp of the inputs' magnitude, which is large
            // against the spread when the rows share a big offset; centering again with the mean of
            // the (exactly computed) differences removes that error.
            meanResidual.addmv_(normalized, invFeatures, zero, unit);
            normalized.sub_(meanResidualRows);
            scratch.copy_(normalized).square_();
            variance.addmv_(scratch, invFeatures, zero, unit);
            rstd.copy_(variance).add_(eps).rsqrt_();
            normalized.mul_(rstdRows);
            output.copy_(normalized).mul_(gammaRows).add_(betaRows);
        }

        @Override
        public void backward(boolean parameterGradients) {
            if (parameterGradients) {
                beta.gradient().addmv_(gradOutputT, onesBatch, zero, unit);
                scratch.copy_(gradOutput).mul_(normalized);
                gamma.gradient().addmv_(scratchT, onesBatch, zero, unit);
            }
            if (gradInput == null) {
                return;
            }
            gradNormalized.copy_(gradOutput).mul_(gammaRows);
            meanGrad.addmv_(gradNormalized, invFeatures, zero, unit);
            scratch.copy_(gradNormalized).mul_(normalized);
            meanGradDotNormalized.addmv_(scratch, invFeatures, zero, unit);
            gradInput.copy_(gradNormalized).sub_(meanGradRows)
                .addcmul_(normalized, meanGradDotNormalizedRows, minusOne).mul_(rstdRows);
        }
    }
}

package io.rltrader.nn;

import io.rltrader.util.UserInputException;
import org.bytedeco.pytorch.Tensor;

/**
 * Global gradient-norm clipping over a flat gradient buffer, as PyTorch's {@code clip_grad_norm_}:
 * {@code g *= min(1, maxNorm / (||g|| + 1e-6))}. The norm is one GEMV over the flat buffer; the
 * coefficient is computed on the device, so nothing waits for the host. {@link #lastNorm()} reads the
 * norm before clipping (a device-to-host copy on CUDA; only for logging).
 */
public final class GradientClipper implements AutoCloseable {
    private final ParameterSet parameters;
    private final DeviceTensors arena;
    private final Tensor coefficient;
    private final Tensor epsilon;
    private final Tensor maxNorm;
    private final Tensor one;
    private final double maxNormValue;
    private Tensor squaredNorm;
    private final org.agrona.concurrent.UnsafeBuffer squaredNormHost;
    private final Tensor hostCoefficient;
    private final org.agrona.concurrent.UnsafeBuffer hostCoefficientMemory;

    public GradientClipper(ParameterSet parameters, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new UserInputException("max gradient norm must be positive, got " + maxNorm);
        }
        this.parameters = parameters;
        this.arena = new DeviceTensors(parameters.arena().device());
        this.coefficient = arena.zeros(1);
        this.epsilon = arena.constant(1e-6);
        this.maxNorm = arena.constant(maxNorm);
        this.one = arena.constant(1.0);
        this.maxNormValue = maxNorm;
        Tensor norm = parameters.gradientSquaredNormTensor();
        this.squaredNormHost = parameters.arena().hasHost(norm) ? parameters.arena().host(norm) : null;
        this.hostCoefficient = arena.hostScalar(1.0);
        this.hostCoefficientMemory = arena.host(hostCoefficient);
    }

    /** Scales the gradients in place so that their global L2 norm is at most the maximum. */
    public void clip() {
        squaredNorm = parameters.gradientSquaredNorm();
        if (squaredNormHost != null) {
            // On the CPU the norm is in host memory: the coefficient is scalar Java arithmetic, and
            // the gradients are only touched when they are actually scaled down.
            double c = coefficient();
            if (c < 1.0) {
                hostCoefficientMemory.putFloat(0, (float) c);
                parameters.gradients().mul_(hostCoefficient);
            }
            return;
        }
        coefficient.copy_(squaredNorm).sqrt_().add_(epsilon).reciprocal_().mul_(maxNorm)
            .clamp_max_(one);
        parameters.gradients().mul_(coefficient);
    }

    /**
     * CPU only: measures the global norm (as {@link #clip()} does, for {@link #lastNorm()}) and returns
     * the factor {@link #clip()} would scale the gradients by, {@code min(1, maxNorm / (norm + 1e-6))},
     * without touching them: for an optimizer that applies it as it reads the gradients.
     */
    double measure() {
        if (squaredNormHost == null) {
            throw new IllegalStateException("the gradient norm lives on " + parameters.arena().device()
                + "; use clip()");
        }
        squaredNorm = parameters.gradientSquaredNorm();
        return Math.min(1.0, coefficient());
    }

    private double coefficient() {
        return maxNormValue / (Math.sqrt(squaredNormHost.getFloat(0)) + 1e-6);
    }

    ParameterSet parameters() {
        return parameters;
    }

    public double maxNorm() {
        return maxNormValue;
    }

    /** The global gradient norm measured by the last {@link #clip()}, before clipping. */
    public double lastNorm() {
        if (squaredNorm == null) {
            return Double.NaN;
        }
        return Math.sqrt(parameters.arena().readFloat(squaredNorm));
    }

    @Override
    public void close() {
        arena.close();
    }
}

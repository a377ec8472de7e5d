package io.rltrader.nn;

import io.rltrader.util.UserInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Adam (Kingma and Ba) and AdamW (decoupled weight decay, Loshchilov and Hutter) over a flat
 * parameter buffer, with PyTorch's semantics: {@code m = b1 m + (1-b1) g},
 * {@code v = b2 v + (1-b2) g^2}, {@code p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}; AdamW
 * first multiplies {@code p} by {@code 1 - lr*wd}; Adam with weight decay adds {@code wd*p} to g.
 *
 * <p>Two implementations ({@link Kernels}). {@link Kernels#CPU_FUSED}, the default on the CPU: LibTorch's
 * fused CPU kernel ({@link FusedAdamKernel}), one pass over parameters, gradients and moments.
 * {@link Kernels#TENSOR_OPS}, the CUDA path: eight in-place ops per step for the whole model (one more
 * with decoupled weight decay, two more with coupled). Either leaves the gradients as they were. The
 * step-dependent factors live in 0-dim CPU tensors that Java rewrites (a Scalar operand would cost a
 * native allocation per call); the denominator is pre-scaled so that the final update is one
 * {@code addcdiv_} with value -1.
 */
public final class Adam implements Optimizer {
    public record Config(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
                         boolean decoupledWeightDecay) {
        public Config {
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new UserInputException("learning rate must be positive and finite, got " + learningRate);
            }
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new UserInputException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(epsilon > 0)) {
                throw new UserInputException("Adam epsilon must be positive, got " + epsilon);
            }
            if (!(weightDecay >= 0)) {
                throw new UserInputException("weight decay must be >= 0, got " + weightDecay);
            }
        }

        /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
        public static Config adam(double learningRate) {
            return new Config(learningRate, 0.9, 0.999, 1e-8, 0, false);
        }

        /** AdamW with PyTorch's default weight decay 0.01. */
        public static Config adamW(double learningRate) {
            return new Config(learningRate, 0.9, 0.999, 1e-8, 0.01, true);
        }

        public Config withEpsilon(double eps) {
            return new Config(learningRate, beta1, beta2, eps, weightDecay, decoupledWeightDecay);
        }
    }

    private final Config config;
    private final ParameterSet parameters;
    private final DeviceTensors arena;
    private final Tensor firstMoment;
    private final Tensor secondMoment;
    private final Tensor denominator;
    private final Tensor beta2;
    private final Tensor sqrtScale;
    private final Tensor epsScale;
    private final Tensor decayFactor;
    private final UnsafeBuffer sqrtScaleHost;
    private final UnsafeBuffer epsScaleHost;
    private final UnsafeBuffer decayFactorHost;
    private final Scalar oneMinusBeta1;
    private final Scalar oneMinusBeta2;
    private final Scalar weightDecay;
    private final Kernels kernels;
    private final FusedAdamKernel fused;
    private final UnsafeBuffer fusedStepHost;
    private final UnsafeBuffer fusedLearningRateHost;
    private final UnsafeBuffer fusedGradScaleHost;
    private double learningRate;
    private long steps;

    /** Adam with the default kernels of the parameters' device ({@link Kernels#defaultFor}). */
    public Adam(ParameterSet parameters, Config config) {
        this(parameters, config, Kernels.defaultFor(parameters.arena().device()));
    }

    public Adam(ParameterSet parameters, Config config, Kernels kernels) {
        this.config = config;
        this.parameters = parameters;
        this.kernels = kernels.requireSupportedOn(parameters.arena().device(), "Adam");
        this.arena = new DeviceTensors(parameters.arena().device());
        this.learningRate = config.learningRate();
        long n = parameters.size();
        this.firstMoment = arena.zeros(n);
        this.secondMoment = arena.zeros(n);
        if (kernels == Kernels.CPU_FUSED) {
            Tensor step = arena.hostScalar(0);
            Tensor rate = arena.hostScalar64(learningRate);
            Tensor gradScale = arena.hostScalar(1);
            this.fusedStepHost = arena.host(step);
            this.fusedLearningRateHost = arena.host(rate);
            this.fusedGradScaleHost = arena.host(gradScale);
            this.fused = new FusedAdamKernel(arena, config.decoupledWeightDecay(), parameters.values(),
                parameters.gradients(), firstMoment, secondMoment, step, rate, gradScale, config.beta1(),
                config.beta2(), config.weightDecay(), config.epsilon());
        } else {
            this.fused = null;
            this.fusedStepHost = null;
            this.fusedLearningRateHost = null;
            this.fusedGradScaleHost = null;
        }
        this.denominator = kernels == Kernels.CPU_FUSED ? null : arena.zeros(n);
        this.beta2 = arena.constant(config.beta2());
        this.sqrtScale = arena.hostScalar(0);
        this.epsScale = arena.hostScalar(0);
        this.decayFactor = arena.hostScalar(1);
        this.sqrtScaleHost = arena.host(sqrtScale);
        this.epsScaleHost = arena.host(epsScale);
        this.decayFactorHost = arena.host(decayFactor);
        this.oneMinusBeta1 = arena.scalar(1 - config.beta1());
        this.oneMinusBeta2 = arena.scalar(1 - config.beta2());
        this.weightDecay = arena.scalar(config.weightDecay());
    }

    public Config config() {
        return config;
    }

    public Kernels kernels() {
        return kernels;
    }

    @Override
    public void step() {
        if (fused != null) {
            fusedStep(1.0);
            return;
        }
        steps++;
        Tensor p = parameters.values();
        Tensor g = parameters.gradients();
        double stepSize = learningRate / (1 - Math.pow(config.beta1(), steps));
        double sqrtBias = Math.sqrt(1 - Math.pow(config.beta2(), steps));
        // denominator = sqrt(v) / sqrtBias + eps, divided by stepSize so the update is p -= m / denominator.
        sqrtScaleHost.putFloat(0, (float) (1.0 / (sqrtBias * stepSize)));
        epsScaleHost.putFloat(0, (float) (config.epsilon() / stepSize));
        if (config.weightDecay() > 0) {
            if (config.decoupledWeightDecay()) {
                decayFactorHost.putFloat(0, (float) (1 - learningRate * config.weightDecay()));
                p.mul_(decayFactor);
            } else {
                // g + wd * p goes into the denominator's buffer (free until the moments are updated):
                // adding it to the gradients in place would leave them changed after the step, as
                // PyTorch's Adam does not.
                denominator.copy_(g).add_(p, weightDecay);
                g = denominator;
            }
        }
        firstMoment.lerp_(g, oneMinusBeta1);
        secondMoment.mul_(beta2).addcmul_(g, g, oneMinusBeta2);
        denominator.copy_(secondMoment).sqrt_().mul_(sqrtScale).add_(epsScale);
        p.addcdiv_(firstMoment, denominator, NativeConstants.MINUS_ONE);
    }

    /**
     * Global-norm clipping and a step: as {@code clipper.clip(); step();}. With the fused CPU kernel the
     * clipping costs no pass of its own: the clipper measures the norm and the kernel scales each gradient
     * as it reads it (storing it clipped, as {@link GradientClipper#clip()} would).
     */
    public void step(GradientClipper clipper) {
        if (fused != null && clipper.parameters() == parameters) {
            fusedStep(clipper.measure());
            return;
        }
        clipper.clip();
        step();
    }

    /** The fused kernel's step, the gradients first multiplied by {@code gradientFactor} where it is below 1. */
    private void fusedStep(double gradientFactor) {
        steps++;
        fusedStepHost.putFloat(0, steps);
        fusedLearningRateHost.putDouble(0, learningRate);
        boolean scale = gradientFactor < 1.0;
        if (scale) {
            // The kernel divides by the scale, as GradScaler unscales: 1/c multiplies by c.
            fusedGradScaleHost.putFloat(0, (float) (1.0 / gradientFactor));
        }
        fused.run(scale);
    }

    @Override
    public void setLearningRate(double learningRate) {
        if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be >= 0 and finite, got " + learningRate);
        }
        this.learningRate = learningRate;
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public void restoreSteps(long steps) {
        this.steps = steps;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("exp_avg", firstMoment);
        state.put("exp_avg_sq", secondMoment);
        return state;
    }

    @Override
    public void close() {
        arena.close();
    }
}

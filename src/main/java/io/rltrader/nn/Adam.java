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
 * <p>Eight in-place ops per step for the whole model (one more with decoupled weight decay, two more
 * with coupled); the gradients are left as they were. The step-dependent factors live in 0-dim CPU
 * tensors that Java rewrites (a Scalar operand would cost a native allocation per call); the
 * denominator is pre-scaled so that the final update is one {@code addcdiv_} with value -1.
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
    private double learningRate;
    private long steps;

    public Adam(ParameterSet parameters, Config config) {
        this.config = config;
        this.parameters = parameters;
        this.arena = new DeviceTensors(parameters.arena().device());
        this.learningRate = config.learningRate();
        long n = parameters.size();
        this.firstMoment = arena.zeros(n);
        this.secondMoment = arena.zeros(n);
        this.denominator = arena.zeros(n);
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

    @Override
    public void step() {
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

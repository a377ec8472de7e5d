package io.rltrader.agent;

import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.LayerPass;
import io.rltrader.nn.NativeConstants;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * SAC's tanh-squashed diagonal Gaussian policy over a bound actor pass whose output is
 * {@code [B, 2A] = [mean | log std]} (Haarnoja et al. 2018, with Stable-Baselines3's conventions):
 * log std clamped to [{@link #LOG_STD_MIN}, {@link #LOG_STD_MAX}], the reparameterized sample
 * {@code a = tanh(mu + std * eps)} with {@code eps} given, and
 * {@code log pi(a|s) = sum_j [log N(u_j; mu_j, std_j) - log(1 - a_j^2 + 1e-6)]}.
 *
 * <p>Backward takes {@code dL/da} and the weight {@code w = dL/d log pi} (the same for every row)
 * and writes the actor pass's output gradient by hand: with {@code u = mu + std eps},
 * {@code dL/du = (1 - a^2) (dL/da + w 2a / (1 - a^2 + 1e-6))}, {@code dL/dmu = dL/du} and
 * {@code dL/dlogstd = (dL/du std eps - w) [log std not clamped]} (the Gaussian term's only
 * dependence on the parameters, once {@code u - mu = std eps} is substituted, is {@code -log std}).
 * Everything is preallocated; sampling and backward allocate nothing.
 */
final class SquashedGaussian {
    static final double LOG_STD_MIN = -20;
    static final double LOG_STD_MAX = 2;
    private static final double TANH_EPSILON = 1e-6;

    private final LayerPass pass;
    private final Tensor mean;
    private final Tensor rawLogStd;
    private final Tensor logStd;
    private final Tensor std;
    private final Tensor action;
    private final Tensor squashDenominator;
    private final Tensor logTerms;
    private final Tensor logProb;
    private final Tensor onesAction;
    private final Tensor logStdMin;
    private final Tensor logStdMax;
    private final Tensor onePlusEpsilon;
    private final Tensor gaussianConstant;
    private final Tensor gradMean;
    private final Tensor gradLogStd;
    private final Tensor gradPreTanh;
    private final Tensor scratch;
    private final Tensor one;
    private final Scalar two;
    private Tensor noise;

    SquashedGaussian(DeviceTensors arena, LayerPass pass, int batch, int actionDim, boolean training) {
        this.pass = pass;
        Tensor output = pass.output();
        this.mean = arena.own(output.narrow(1, 0, actionDim));
        this.rawLogStd = arena.own(output.narrow(1, actionDim, actionDim));
        this.logStd = arena.zeros(batch, actionDim);
        this.std = arena.zeros(batch, actionDim);
        this.action = arena.zeros(batch, actionDim);
        this.squashDenominator = arena.zeros(batch, actionDim);
        this.logTerms = arena.zeros(batch, actionDim);
        this.logProb = arena.zeros(batch);
        this.onesAction = arena.full(1.0, actionDim);
        this.logStdMin = arena.constant(LOG_STD_MIN);
        this.logStdMax = arena.constant(LOG_STD_MAX);
        this.onePlusEpsilon = arena.constant(1.0 + TANH_EPSILON);
        this.gaussianConstant = arena.constant(-0.5 * Math.log(2 * Math.PI) * actionDim);
        this.one = arena.constant(1.0);
        this.two = arena.scalar(2.0);
        if (training) {
            this.gradMean = arena.own(pass.gradOutput().narrow(1, 0, actionDim));
            this.gradLogStd = arena.own(pass.gradOutput().narrow(1, actionDim, actionDim));
            this.gradPreTanh = arena.zeros(batch, actionDim);
            this.scratch = arena.zeros(batch, actionDim);
        } else {
            this.gradMean = null;
            this.gradLogStd = null;
            this.gradPreTanh = null;
            this.scratch = null;
        }
    }

    /** Runs the actor and samples {@code a = tanh(mu + std * noise)} with its log-probability. */
    void sample(Tensor standardNoise) {
        this.noise = standardNoise;
        pass.forward();
        logStd.copy_(rawLogStd).clamp_min_(logStdMin).clamp_max_(logStdMax);
        std.copy_(logStd).exp_();
        action.copy_(mean).addcmul_(std, standardNoise).tanh_();
        squashDenominator.copy_(onePlusEpsilon).addcmul_(action, action, NativeConstants.MINUS_ONE);
        // -(log pi) per component, less the constant: log(1 - a^2 + eps) + log std + eps^2 / 2
        logTerms.copy_(squashDenominator).log_().add_(logStd).addcmul_(standardNoise, standardNoise,
            NativeConstants.HALF);
        logProb.addmv_(logTerms, onesAction, NativeConstants.ZERO, NativeConstants.MINUS_ONE).add_(gaussianConstant);
    }

    /** The sampled actions [B, A] of the last {@link #sample}. */
    Tensor action() {
        return action;
    }

    /** log pi(a|s) [B] of the last {@link #sample}. */
    Tensor logProb() {
        return logProb;
    }

    /**
     * Back-propagates {@code dL/da} [B, A] (any strides) and {@code dL/dlog pi} = {@code logProbWeight}
     * (a 0-dim or [1] tensor) through the sample of the last {@link #sample} into the actor's
     * parameter gradients (overwritten).
     */
    void backward(Tensor gradAction, Tensor logProbWeight) {
        scratch.copy_(action).div_(squashDenominator).mul_(logProbWeight);
        gradPreTanh.copy_(gradAction).add_(scratch, two);
        scratch.copy_(one).addcmul_(action, action, NativeConstants.MINUS_ONE);
        gradPreTanh.mul_(scratch);
        gradMean.copy_(gradPreTanh);
        // the clamp passes the gradient where log std was not clamped (both ends inclusive, as torch.clamp)
        scratch.copy_(logStd).eq_(rawLogStd);
        gradLogStd.copy_(gradPreTanh).mul_(std).mul_(noise).sub_(logProbWeight).mul_(scratch);
        pass.backward(true);
    }

    /**
     * The deterministic action {@code tanh(mu)} or a sample {@code tanh(mu + std * N(0, 1))} for each
     * of {@code rows} rows of actor outputs in host memory, written as float32 into {@code out}.
     */
    static void act(UnsafeBuffer actorOutput, int rows, int actionDim, UnsafeBuffer out, boolean stochastic,
                    io.rltrader.util.Rng rng) {
        for (int row = 0; row < rows; row++) {
            int base = row * 2 * actionDim;
            for (int j = 0; j < actionDim; j++) {
                double mu = actorOutput.getFloat((base + j) * Float.BYTES);
                double u = mu;
                if (stochastic) {
                    double logStd = actorOutput.getFloat((base + actionDim + j) * Float.BYTES);
                    logStd = Math.max(LOG_STD_MIN, Math.min(LOG_STD_MAX, logStd));
                    u += Math.exp(logStd) * rng.nextGaussian();
                }
                out.putFloat((row * actionDim + j) * Float.BYTES, (float) Math.tanh(u));
            }
        }
    }
}

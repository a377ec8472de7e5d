package io.rltrader.nn;

import io.rltrader.util.Rng;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * A diagonal Gaussian policy over D continuous actions: the network gives the means {@code mu}
 * [B, D]; the log standard deviations are one state-independent parameter {@code log_std} [D], as
 * in Stable-Baselines3 and CleanRL. Log-probability of given actions, entropy, and their
 * hand-written gradients:
 *
 * <pre>
 *   z              = (a - mu) / sigma,  sigma = exp(log_std)
 *   logProb_b      = -1/2 sum_d z_bd^2 - sum_d log_std_d - D/2 log(2 pi)
 *   entropy_b      = sum_d log_std_d + D/2 (1 + log(2 pi))
 *   d logProb_b / d mu_bd      = z_bd / sigma_d
 *   d logProb_b / d log_std_d  = z_bd^2 - 1
 *   d entropy_b / d log_std_d  = 1
 * </pre>
 * {@link #backward} overwrites the means' gradient and the {@code log_std} parameter's gradient.
 * The actions are the unclipped samples (the environment clips what it applies; the log-probability
 * is of the sample, as SB3 stores it). Bound once; nothing allocates.
 */
public final class DiagonalGaussianHead {
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    private final Tensor mean;
    private final Tensor actions;
    private final Tensor gradMean;
    private final ParameterSet.Parameter logStd;
    private final Tensor std;
    private final Tensor stdRows;
    private final Tensor logStdRow;
    private final Tensor z;
    private final Tensor zSquared;
    private final Tensor zSquaredT;
    private final Tensor onesDim;
    private final Tensor onesBatch;
    private final Tensor logStdSum;
    private final Tensor logNormalizer;
    private final Tensor entropyConstant;
    private final Tensor one;
    private final Tensor logProb;
    private final Tensor entropy;
    private final Tensor gradLogProb;
    private final Tensor gradLogProbRows;
    private final Tensor gradEntropyRow;
    private final Tensor gradEntropySum;
    private final Scalar minusHalf;

    /**
     * @param mean        float32 [batch, dim] from the network
     * @param logStd      the [dim] log standard deviation parameter
     * @param actions     float32 [batch, dim], the (unclipped) actions whose log-probability is wanted
     * @param gradMean    float32 [batch, dim], overwritten by {@link #backward}; null for inference
     * @param gradLogProb float32 [batch], d loss / d logProb, written by the caller before backward
     * @param gradEntropy float32 [batch], d loss / d entropy, written by the caller before backward
     */
    public DiagonalGaussianHead(DeviceTensors arena, Tensor mean, ParameterSet.Parameter logStd, Tensor actions,
                                Tensor gradMean, Tensor gradLogProb, Tensor gradEntropy, int batch, int dim) {
        this.mean = mean;
        this.actions = actions;
        this.gradMean = gradMean;
        this.logStd = logStd;
        this.std = arena.zeros(dim);
        this.stdRows = arena.own(arena.own(std.view(1, dim)).expand(batch, dim));
        this.logStdRow = arena.own(logStd.value().view(1, dim));
        this.z = arena.zeros(batch, dim);
        this.zSquared = arena.zeros(batch, dim);
        this.zSquaredT = arena.own(zSquared.t());
        this.onesDim = arena.full(1.0, dim);
        this.onesBatch = arena.full(1.0, batch);
        this.logStdSum = arena.zeros(1);
        this.logNormalizer = arena.constant(dim * HALF_LOG_TWO_PI);
        this.entropyConstant = arena.constant(dim * (0.5 + HALF_LOG_TWO_PI));
        this.one = arena.constant(1.0);
        this.logProb = arena.zeros(batch);
        this.entropy = arena.zeros(batch);
        this.gradLogProb = gradLogProb;
        this.gradLogProbRows = gradLogProb == null ? null
            : arena.own(arena.own(gradLogProb.view(batch, 1)).expand(batch, dim));
        this.gradEntropyRow = gradEntropy == null ? null : arena.own(gradEntropy.view(1, batch));
        this.gradEntropySum = arena.zeros(1);
        this.minusHalf = arena.scalar(-0.5);
    }

    /** Computes {@link #logProb()} and {@link #entropy()} of the bound actions under the bound means. */
    public void compute() {
        std.copy_(logStd.value()).exp_();
        z.copy_(actions).sub_(mean).div_(stdRows);
        zSquared.copy_(z).square_();
        logStdSum.addmv_(logStdRow, onesDim, NativeConstants.ZERO, NativeConstants.ONE);
        logProb.addmv_(zSquared, onesDim, NativeConstants.ZERO, minusHalf).sub_(logStdSum).sub_(logNormalizer);
        entropy.copy_(logStdSum).add_(entropyConstant);
    }

    /** Overwrites the means' gradient and the log-std gradient; requires {@link #compute()} first. */
    public void backward() {
        gradMean.copy_(z).div_(stdRows).mul_(gradLogProbRows);
        zSquared.sub_(one);
        logStd.gradient().addmv_(zSquaredT, gradLogProb, NativeConstants.ZERO, NativeConstants.ONE);
        gradEntropySum.addmv_(gradEntropyRow, onesBatch, NativeConstants.ZERO, NativeConstants.ONE);
        logStd.gradient().add_(gradEntropySum);
    }

    /** log pi(a_b | s_b), float32 [batch]. */
    public Tensor logProb() {
        return logProb;
    }

    /** Entropy per row (the same for every row: sigma does not depend on the state), float32 [batch]. */
    public Tensor entropy() {
        return entropy;
    }

    /**
     * Samples row {@code row} of actions in Java: {@code a = mu + sigma * eps}, eps standard normal
     * from {@code rng}. Writes the unclipped sample to {@code rawOut}, the sample clipped to
     * [-1, 1] (what an env applies) to {@code clippedOut}, both float32 [rows, dim], and the
     * log-probability of the unclipped sample to {@code logProbOut} [rows]. {@code logStd} holds the
     * dim log standard deviations from byte {@code logStdOffset}. Allocates nothing.
     */
    public static void sample(UnsafeBuffer means, int row, int dim, UnsafeBuffer logStd, int logStdOffset, Rng rng,
                              UnsafeBuffer rawOut, UnsafeBuffer clippedOut, UnsafeBuffer logProbOut) {
        double logProbability = -dim * HALF_LOG_TWO_PI;
        for (int d = 0; d < dim; d++) {
            int at = (row * dim + d) * Float.BYTES;
            double logSigma = logStd.getFloat(logStdOffset + d * Float.BYTES);
            double sigma = Math.exp(logSigma);
            float mu = means.getFloat(at);
            float action = (float) (mu + sigma * rng.nextGaussian());
            double standardized = (action - mu) / sigma;
            logProbability -= 0.5 * standardized * standardized + logSigma;
            rawOut.putFloat(at, action);
            clippedOut.putFloat(at, Math.max(-1f, Math.min(1f, action)));
        }
        logProbOut.putFloat(row * Float.BYTES, (float) logProbability);
    }
}

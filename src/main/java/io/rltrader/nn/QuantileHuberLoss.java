package io.rltrader.nn;

import io.rltrader.util.UserInputException;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * The quantile Huber loss of distributional RL (QR-DQN, Dabney et al. 2018; IQN uses the same
 * form), with its hand-written gradient with respect to the predicted quantiles.
 *
 * <p>Predicted quantiles {@code theta [B, N]} at fractions {@code tau} ({@code [N]} fixed, or
 * {@code [B, N]} sampled per row as in IQN) are regressed on target samples {@code T [B, N']}. With
 * {@code u_ij = T_j - theta_i}, {@code c = clamp(u, -kappa, kappa)} and
 * {@code huber(u) = c (u - c/2)}:
 * <pre>
 *   rho_ij = |tau_i - 1{u_ij < 0}| huber(u_ij) / kappa
 *   loss   = 1/B sum_b w_b sum_i mean_j rho_bij
 *   d loss / d theta_bi = -w_b / (B N' kappa) sum_j |tau_i - 1{u_ij < 0}| c_bij
 * </pre>
 * ({@code w} the per-sample weights of prioritized replay, 1 when absent; the tau weight is piecewise
 * constant in theta, so only the Huber part is differentiated). The pairwise {@code [B, N, N']}
 * terms come from expand views made here ({@code theta} as {@code [B, N, 1]}, {@code T} as
 * {@code [B, 1, N']}); the sums are matrix-vector products with vectors of ones. Bound once to its
 * tensors; nothing allocates.
 *
 * <p>The pairwise terms dominate the cost (each pass over them is B N N' floats), so the gradient
 * takes as few passes as the maths allows. Since c has the sign of u,
 * {@code |tau - 1{u < 0}| c = tau c + (1 - 2 tau) min(c, 0)}, and the gradient's sum is
 * {@code tau_i S_i + (1 - 2 tau_i) S-_i} with {@code S = sum_j c} and {@code S- = sum_j min(c, 0)}:
 * five passes over one pairwise buffer (u written straight from the two broadcast operands by
 * {@code sub.out}, c and min(c, 0) in place, the two sums) and a few ops over {@code [B, N]}.
 * {@link #compute()} does that; the loss itself, needed for logging and for priorities, is computed
 * when {@link #value()} or {@link #perSample()} is first asked for after it.
 */
public final class QuantileHuberLoss {
    private final DeviceTensors arena;
    private final Tensor gradTheta;
    private final Tensor gradThetaFlat;
    private final Tensor thetaColumns;
    private final Tensor targetRows;
    private final Tensor tauColumns;
    private final Tensor weightColumns;
    private final Tensor error;
    private final Tensor clipped;
    private final Tensor tauWeight;
    private final Tensor elementsPerSample;
    private final Tensor onesPairs;
    private final Tensor onesTargets;
    private final Tensor perSample;
    private final Tensor perSampleRow;
    private final Tensor sampleWeights;
    private final Tensor value;
    private final Tensor zero;
    private final ScalarOptional lowerBound;
    private final ScalarOptional upperBound;
    private final Tensor clippedPerQuantile;
    private final Tensor negativeSum;
    private final Tensor negativeSumFlat;
    private final Tensor tauRows;
    private final Scalar sampleScale;
    private final Scalar gradientScale;
    private final Scalar minusTwo;
    private final Scalar batchMean;
    private final double kappa;
    private final BoxedOp pairwiseErrorIntoClipped;
    private final BoxedOp pairwiseErrorIntoError;
    private final BoxedOp clipError;
    private boolean valueStale;

    /**
     * @param theta     float32 [B, N] predicted quantiles
     * @param taus      float32 [N] (the same fractions for every row) or [B, N] (per row)
     * @param target    float32 [B, N'] target samples (treated as constants)
     * @param weights   float32 [B] per-sample weights, or null for none
     * @param gradTheta float32 [B, N], overwritten with d loss / d theta
     * @param kappa     Huber threshold, > 0 (1 in both papers)
     */
    public QuantileHuberLoss(DeviceTensors arena, Tensor theta, Tensor taus, Tensor target, Tensor weights,
                             Tensor gradTheta, double kappa) {
        if (!(kappa > 0) || !Double.isFinite(kappa)) {
            throw new UserInputException("quantile huber kappa must be positive and finite, got " + kappa);
        }
        if (theta.dim() != 2 || target.dim() != 2 || target.size(0) != theta.size(0)) {
            throw new IllegalArgumentException("theta must be [B, N] and target [B, N'] with the same B");
        }
        long b = theta.size(0);
        long n = theta.size(1);
        long nTarget = target.size(1);
        boolean perRowTaus = taus.dim() == 2;
        if (perRowTaus ? taus.size(0) != b || taus.size(1) != n : taus.dim() != 1 || taus.size(0) != n) {
            throw new IllegalArgumentException("taus must be [N] or [B, N] with N = " + n);
        }
        this.arena = arena;
        this.kappa = kappa;
        this.gradTheta = gradTheta;
        this.gradThetaFlat = arena.own(gradTheta.view(b * n));
        this.thetaColumns = arena.own(arena.own(theta.view(b, n, 1)).expand(b, n, nTarget));
        this.targetRows = arena.own(arena.own(target.view(b, 1, nTarget)).expand(b, n, nTarget));
        this.tauColumns = arena.own(arena.own(taus.view(perRowTaus ? b : 1, n, 1)).expand(b, n, nTarget));
        this.weightColumns = weights == null ? null : arena.own(arena.own(weights.view(b, 1)).expand(b, n));
        this.error = arena.zeros(b, n, nTarget);
        this.clipped = arena.zeros(b, n, nTarget);
        this.tauWeight = arena.zeros(b, n, nTarget);
        this.elementsPerSample = arena.own(error.view(b, n * nTarget));
        this.onesPairs = arena.full(1.0, n * nTarget);
        this.onesTargets = arena.full(1.0, nTarget);
        this.perSample = arena.zeros(b);
        this.perSampleRow = arena.own(perSample.view(1, b));
        this.sampleWeights = weights == null ? arena.full(1.0, b) : weights;
        this.value = arena.zeros(1);
        this.zero = arena.constant(0.0);
        this.lowerBound = arena.own(new ScalarOptional(arena.scalar(-kappa)));
        this.upperBound = arena.own(new ScalarOptional(arena.scalar(kappa)));
        this.clippedPerQuantile = arena.own(clipped.view(b * n, nTarget));
        this.negativeSum = arena.zeros(b, n);
        this.negativeSumFlat = arena.own(negativeSum.view(b * n));
        this.tauRows = arena.own(arena.own(taus.view(perRowTaus ? b : 1, n)).expand(b, n));
        this.sampleScale = arena.scalar(1.0 / (nTarget * kappa));
        this.gradientScale = arena.scalar(-1.0 / (b * nTarget * kappa));
        this.minusTwo = arena.scalar(-2.0);
        this.batchMean = arena.scalar(1.0 / b);
        // u = T - theta from the broadcast views in one pass (a copy then sub_ would be two).
        String sub = "self:Tensor other:Tensor alpha:Scalar out:Tensor";
        this.pairwiseErrorIntoClipped = new BoxedOp(arena, "aten::sub", "out", sub, BoxedOp.tensor(arena, targetRows),
            BoxedOp.tensor(arena, thetaColumns), BoxedOp.scalar(arena, 1.0), BoxedOp.tensor(arena, clipped));
        this.pairwiseErrorIntoError = new BoxedOp(arena, "aten::sub", "out", sub, BoxedOp.tensor(arena, targetRows),
            BoxedOp.tensor(arena, thetaColumns), BoxedOp.scalar(arena, 1.0), BoxedOp.tensor(arena, error));
        this.clipError = new BoxedOp(arena, "aten::clamp", "out", "self:Tensor min:Scalar? max:Scalar? out:Tensor",
            BoxedOp.tensor(arena, error), BoxedOp.scalar(arena, -kappa), BoxedOp.scalar(arena, kappa),
            BoxedOp.tensor(arena, clipped));
    }

    /**
     * Computes the gradient of theta (five passes over the pairs, see the class comment); the loss
     * follows on demand from {@link #value()} and {@link #perSample()}.
     */
    public void compute() {
        pairwiseErrorIntoClipped.call();
        clipped.clamp_(lowerBound, upperBound);
        // -S / (B N' kappa) into the gradient, -S- / (B N' kappa) beside it.
        gradThetaFlat.addmv_(clippedPerQuantile, onesTargets, NativeConstants.ZERO, gradientScale);
        clipped.clamp_max_(zero);
        negativeSumFlat.addmv_(clippedPerQuantile, onesTargets, NativeConstants.ZERO, gradientScale);
        // tau S + (1 - 2 tau) S- as S- + tau (S - 2 S-): three ops over [B, N].
        gradTheta.add_(negativeSum, minusTwo).mul_(tauRows).add_(negativeSum);
        if (weightColumns != null) {
            gradTheta.mul_(weightColumns);
        }
        valueStale = true;
    }

    /** The loss and the per-sample losses of the last {@link #compute()}. */
    private void computeValue() {
        pairwiseErrorIntoError.call();
        clipError.call();
        // |tau - 1{u < 0}| as |1{u < 0} - tau|, then times c.
        tauWeight.copy_(error).lt_(zero).sub_(tauColumns).abs_().mul_(clipped);
        // kappa rho = |tau - 1{u < 0}| c (u - c/2), written over the error buffer.
        error.sub_(clipped, NativeConstants.HALF).mul_(tauWeight);
        perSample.addmv_(elementsPerSample, onesPairs, NativeConstants.ZERO, sampleScale);
        value.addmv_(perSampleRow, sampleWeights, NativeConstants.ZERO, batchMean);
        valueStale = false;
    }

    /** The loss of the last {@link #compute()}, a float32 [1] tensor on the device. */
    public Tensor value() {
        if (valueStale) {
            computeValue();
        }
        return value;
    }

    /** The loss as a Java number (a device-to-host copy on CUDA; free on the CPU). */
    public float valueOnHost() {
        return arena.readFloat(value());
    }

    /**
     * Each sample's loss {@code sum_i mean_j rho_ij} before the per-sample weight, float32 [B]: the
     * priority signal for prioritized replay.
     */
    public Tensor perSample() {
        if (valueStale) {
            computeValue();
        }
        return perSample;
    }

    public double kappa() {
        return kappa;
    }
}

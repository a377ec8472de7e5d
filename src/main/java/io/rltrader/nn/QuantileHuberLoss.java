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
 * constant in theta, so only the Huber part is differentiated). Bound once to its tensors; nothing
 * allocates.
 *
 * <p>The pairwise terms dominate the cost (each pass over them is B N N' floats), so the gradient
 * takes as few passes as the maths allows. Since c has the sign of u,
 * {@code |tau - 1{u < 0}| c = tau c + (1 - 2 tau) min(c, 0)}, and the gradient's sum is
 * {@code tau_i S_i + (1 - 2 tau_i) S-_i} with {@code S = sum_j c} and {@code S- = sum_j min(c, 0)}:
 * five passes over one pairwise buffer (u written straight from two broadcast operands by
 * {@code sub.out}, c and min(c, 0) in place, the two sums) and a few ops over {@code [N, B]}.
 * {@link #compute()} does that; the loss itself, needed for logging and for priorities, is computed
 * when {@link #value()} or {@link #perSample()} is first asked for after it.
 *
 * <p>The pairwise buffers are laid out {@code [N', N, B]}, the batch innermost, with theta and T
 * first copied to {@code [N, B]} and {@code [N', B]}. In the natural layout {@code [B, N, N']} every
 * pass over the pairs is B N short rows of N' (51 for QR-DQN, 32 for IQN), and an element-wise pass
 * with a broadcast operand pays a fixed cost per row, and each sum over j is B N dot products of length
 * N'. Batch-innermost, the broadcast pass runs over rows of B with both operands contiguous, and each
 * sum over j is one matrix-vector product down N' columns of length N B, streamed at full vector
 * width. At batch 64 and N = N' = 51 the gradient takes about three quarters of the time of the
 * natural layout (measured on the CPU, see the README's performance notes), the two copies of B N
 * floats included.
 */
public final class QuantileHuberLoss {
    private final DeviceTensors arena;
    private final Tensor thetaByQuantile;
    private final Tensor targetByQuantile;
    private final Tensor thetaTransposed;
    private final Tensor targetTransposed;
    private final Tensor tauPairs;
    private final Tensor weightColumns;
    private final Tensor error;
    private final Tensor clipped;
    private final Tensor tauWeight;
    private final Tensor pairsBySample;
    private final Tensor onesPairs;
    private final Tensor onesTargets;
    private final Tensor perSample;
    private final Tensor perSampleRow;
    private final Tensor sampleWeights;
    private final Tensor value;
    private final Tensor zero;
    private final ScalarOptional lowerBound;
    private final ScalarOptional upperBound;
    private final Tensor clippedByTarget;
    private final Tensor clippedSum;
    private final Tensor clippedSumFlat;
    private final Tensor negativeSum;
    private final Tensor negativeSumFlat;
    private final Tensor tauByQuantile;
    private final Tensor gradTheta;
    private final Scalar sampleScale;
    private final Scalar gradientScale;
    private final Scalar minusTwo;
    private final Scalar batchMean;
    private final double kappa;
    private final BoxedOp pairwiseErrorIntoClipped;
    private final BoxedOp pairwiseErrorIntoError;
    private final BoxedOp clipError;
    private final BoxedOp gradientIntoTheta;
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
        this.thetaTransposed = arena.own(theta.t());
        this.targetTransposed = arena.own(target.t());
        this.thetaByQuantile = arena.zeros(n, b);
        this.targetByQuantile = arena.zeros(nTarget, b);
        Tensor thetaRows = arena.own(arena.own(thetaByQuantile.view(1, n, b)).expand(nTarget, n, b));
        Tensor targetColumns = arena.own(arena.own(targetByQuantile.view(nTarget, 1, b)).expand(nTarget, n, b));
        // tau per (i, b): a view of the [N] fractions, or of the [B, N] ones transposed
        this.tauByQuantile = perRowTaus ? arena.own(taus.t()) : arena.own(arena.own(taus.view(n, 1)).expand(n, b));
        this.tauPairs = arena.own(arena.own(tauByQuantile.unsqueeze(0)).expand(nTarget, n, b));
        this.weightColumns = weights == null ? null : arena.own(arena.own(weights.view(b, 1)).expand(b, n));
        this.error = arena.zeros(nTarget, n, b);
        this.clipped = arena.zeros(nTarget, n, b);
        this.tauWeight = arena.zeros(nTarget, n, b);
        this.pairsBySample = arena.own(arena.own(error.view(nTarget * n, b)).t());
        this.clippedByTarget = arena.own(arena.own(clipped.view(nTarget, n * b)).t());
        this.onesPairs = arena.full(1.0, n * nTarget);
        this.onesTargets = arena.full(1.0, nTarget);
        this.perSample = arena.zeros(b);
        this.perSampleRow = arena.own(perSample.view(1, b));
        this.sampleWeights = weights == null ? arena.full(1.0, b) : weights;
        this.value = arena.zeros(1);
        this.zero = arena.constant(0.0);
        this.lowerBound = arena.own(new ScalarOptional(arena.scalar(-kappa)));
        this.upperBound = arena.own(new ScalarOptional(arena.scalar(kappa)));
        this.clippedSumFlat = arena.zeros(n * b);
        this.clippedSum = arena.own(clippedSumFlat.view(n, b));
        this.negativeSumFlat = arena.zeros(n * b);
        this.negativeSum = arena.own(negativeSumFlat.view(n, b));
        this.sampleScale = arena.scalar(1.0 / (nTarget * kappa));
        this.gradientScale = arena.scalar(-1.0 / (b * nTarget * kappa));
        this.minusTwo = arena.scalar(-2.0);
        this.batchMean = arena.scalar(1.0 / b);
        // u = T - theta from the broadcast views in one pass (a copy then sub_ would be two).
        String sub = "self:Tensor other:Tensor alpha:Scalar out:Tensor";
        this.pairwiseErrorIntoClipped = new BoxedOp(arena, "aten::sub", "out", sub,
            BoxedOp.tensor(arena, targetColumns), BoxedOp.tensor(arena, thetaRows), BoxedOp.scalar(arena, 1.0),
            BoxedOp.tensor(arena, clipped));
        this.pairwiseErrorIntoError = new BoxedOp(arena, "aten::sub", "out", sub,
            BoxedOp.tensor(arena, targetColumns), BoxedOp.tensor(arena, thetaRows), BoxedOp.scalar(arena, 1.0),
            BoxedOp.tensor(arena, error));
        this.clipError = new BoxedOp(arena, "aten::clamp", "out", "self:Tensor min:Scalar? max:Scalar? out:Tensor",
            BoxedOp.tensor(arena, error), BoxedOp.scalar(arena, -kappa), BoxedOp.scalar(arena, kappa),
            BoxedOp.tensor(arena, clipped));
        // the [N, B] result written through the transposed view of the [B, N] gradient
        this.gradientIntoTheta = new BoxedOp(arena, "aten::add", "out", sub, BoxedOp.tensor(arena, clippedSum),
            BoxedOp.tensor(arena, negativeSum), BoxedOp.scalar(arena, 1.0),
            BoxedOp.tensor(arena, arena.own(gradTheta.t())));
    }

    /**
     * Computes the gradient of theta (five passes over the pairs, see the class comment); the loss
     * follows on demand from {@link #value()} and {@link #perSample()}.
     */
    public void compute() {
        thetaByQuantile.copy_(thetaTransposed);
        targetByQuantile.copy_(targetTransposed);
        pairwiseErrorIntoClipped.call();
        clipped.clamp_(lowerBound, upperBound);
        // -S / (B N' kappa) and -S- / (B N' kappa), each [N, B]: one product down the N' columns.
        clippedSumFlat.addmv_(clippedByTarget, onesTargets, NativeConstants.ZERO, gradientScale);
        clipped.clamp_max_(NativeConstants.ZERO);
        negativeSumFlat.addmv_(clippedByTarget, onesTargets, NativeConstants.ZERO, gradientScale);
        // tau S + (1 - 2 tau) S- as S- + tau (S - 2 S-): three ops over [N, B], the last into the gradient.
        clippedSum.add_(negativeSum, minusTwo).mul_(tauByQuantile);
        gradientIntoTheta.call();
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
        tauWeight.copy_(error).lt_(zero).sub_(tauPairs).abs_().mul_(clipped);
        // kappa rho = |tau - 1{u < 0}| c (u - c/2), written over the error buffer.
        error.sub_(clipped, NativeConstants.HALF).mul_(tauWeight);
        perSample.addmv_(pairsBySample, onesPairs, NativeConstants.ZERO, sampleScale);
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

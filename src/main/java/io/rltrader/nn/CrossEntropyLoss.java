package io.rltrader.nn;

import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Softmax cross-entropy between logits {@code [B, K]} and class targets, optionally weighted per
 * sample, with its hand-written gradient: the classification loss, and with advantages as weights
 * the policy-gradient loss {@code -mean(A * log pi(a|s))}.
 *
 * <pre>
 *   loss          = mean_b w_b * (logsumexp(z_b) - z_b[target_b])
 *   d loss / d z  = (softmax(z) - onehot) * w / B
 * </pre>
 * with {@code w = 1} when no weights are bound. PyTorch's {@code cross_entropy(z, t)} for no weights;
 * with weights, {@code (w * cross_entropy(z, t, reduction='none')).mean()} (per-sample weights, not
 * PyTorch's per-class {@code weight} argument).
 *
 * <p><b>Targets are a one-hot float32 {@code [B, K]} tensor</b>, not class indices: picking
 * {@code z_b[target_b]} from indices needs {@code gather}, which allocates its result (or, as
 * {@code gather_out}, 48 bytes of heap per call) and needs an int64 index tensor; with a one-hot
 * matrix it is an in-place product and a GEMV, and the gradient's {@code - onehot} is one
 * {@code sub_}. Rows that are probability distributions rather than one-hot (label smoothing,
 * distillation) give the soft-target cross-entropy with the same formulas. {@link #writeOneHot}
 * fills a host tensor from class indices without allocating.
 *
 * <p><b>Stability</b>: the row maximum is subtracted before {@code exp}, so no {@code exp} overflows
 * and the log-probabilities are formed from the shifted logits (logits of 1000 lose no precision to
 * cancellation). The row maximum is computed without allocation as {@code copy_} of column 0 and then
 * {@code clamp_min_} with each further column (views made at bind time): K native calls of ~1 µs
 * each, fine for the action counts of trading (a handful) but linear in K; for K in the hundreds a
 * single {@code amax_out} (48 B of heap per call) would be cheaper.
 *
 * <p>Also exposed: {@link #probabilities()} (softmax), {@link #logProbabilities()} (log-softmax) and
 * {@link #logSumExp()}, valid after {@link #compute()}. Bound once to its tensors; {@link #compute()}
 * allocates nothing.
 */
public final class CrossEntropyLoss {
    private final DeviceTensors arena;
    private final Tensor logits;
    private final Tensor oneHotTargets;
    private final Tensor weights;
    private final Tensor gradLogits;
    private final Tensor[] logitColumns;
    private final Tensor rowMax;
    private final Tensor rowMaxColumn;
    private final Tensor rowMaxRows;
    private final Tensor probabilities;
    private final Tensor logProbabilities;
    private final Tensor sumExp;
    private final Tensor sumExpRows;
    private final Tensor logSumExp;
    private final Tensor logSumExpRows;
    private final Tensor targetTerms;
    private final Tensor onesClasses;
    private final Tensor sampleLoss;
    private final Tensor sampleLossRow;
    private final Tensor meanWeights;
    private final Tensor gradientScale;
    private final Tensor weightRows;
    private final Tensor value;
    private final Scalar zero = NativeConstants.ZERO;
    private final Scalar unit = NativeConstants.ONE;
    private final Scalar minusOne = NativeConstants.MINUS_ONE;

    /**
     * @param logits        float32 [batch, classes]
     * @param oneHotTargets float32 [batch, classes], each row one-hot (or a probability distribution)
     * @param weights       float32 [batch] per-sample weights, or null for none
     * @param gradLogits    float32 [batch, classes], overwritten with d loss / d logits
     */
    public CrossEntropyLoss(DeviceTensors arena, Tensor logits, Tensor oneHotTargets, Tensor weights,
                            Tensor gradLogits, int batch, int classes) {
        if (batch <= 0 || classes <= 0) {
            throw new IllegalArgumentException("cross-entropy needs a positive batch and class count, got "
                + batch + " x " + classes);
        }
        this.arena = arena;
        this.logits = logits;
        this.oneHotTargets = oneHotTargets;
        this.weights = weights;
        this.gradLogits = gradLogits;
        this.logitColumns = new Tensor[classes];
        for (int k = 0; k < classes; k++) {
            logitColumns[k] = arena.own(logits.narrow(1, k, 1));
        }
        this.rowMax = arena.zeros(batch);
        this.rowMaxColumn = arena.own(rowMax.view(batch, 1));
        this.rowMaxRows = arena.own(rowMaxColumn.expand(batch, classes));
        this.probabilities = arena.zeros(batch, classes);
        this.logProbabilities = arena.zeros(batch, classes);
        this.sumExp = arena.zeros(batch);
        this.sumExpRows = arena.own(arena.own(sumExp.view(batch, 1)).expand(batch, classes));
        this.logSumExp = arena.zeros(batch);
        this.logSumExpRows = arena.own(arena.own(logSumExp.view(batch, 1)).expand(batch, classes));
        this.targetTerms = arena.zeros(batch, classes);
        this.onesClasses = arena.full(1.0, classes);
        this.sampleLoss = arena.zeros(batch);
        this.sampleLossRow = arena.own(sampleLoss.view(1, batch));
        this.meanWeights = arena.full(1.0 / batch, batch);
        this.gradientScale = arena.constant(1.0 / batch);
        this.weightRows = weights == null ? null
            : arena.own(arena.own(weights.view(batch, 1)).expand(batch, classes));
        this.value = arena.zeros(1);
    }

    /** Fills a host one-hot tensor {@code [targets.length, classes]} (see {@link DeviceTensors#host}). */
    public static void writeOneHot(UnsafeBuffer oneHot, int[] targets, int classes) {
        for (int b = 0; b < targets.length; b++) {
            int target = targets[b];
            if (target < 0 || target >= classes) {
                throw new IllegalArgumentException("target " + target + " at row " + b + " is not a class in [0, "
                    + classes + ")");
            }
            int row = b * classes * Float.BYTES;
            oneHot.setMemory(row, classes * Float.BYTES, (byte) 0);
            oneHot.putFloat(row + target * Float.BYTES, 1f);
        }
    }

    /** Computes the loss into {@link #value()} and its gradient into the bound gradient tensor. */
    public void compute() {
        rowMaxColumn.copy_(logitColumns[0]);
        for (int k = 1; k < logitColumns.length; k++) {
            rowMaxColumn.clamp_min_(logitColumns[k]);
        }
        // Shifted logits z - max; every exp is at most 1.
        logProbabilities.copy_(logits).sub_(rowMaxRows);
        probabilities.copy_(logProbabilities).exp_();
        sumExp.addmv_(probabilities, onesClasses, zero, unit);
        probabilities.div_(sumExpRows);
        logSumExp.copy_(sumExp).log_();
        logProbabilities.sub_(logSumExpRows);
        logSumExp.add_(rowMax);
        // -sum_k onehot * log p, per row.
        targetTerms.copy_(oneHotTargets).mul_(logProbabilities);
        sampleLoss.addmv_(targetTerms, onesClasses, zero, minusOne);
        gradLogits.copy_(probabilities).sub_(oneHotTargets).mul_(gradientScale);
        if (weights != null) {
            sampleLoss.mul_(weights);
            gradLogits.mul_(weightRows);
        }
        value.addmv_(sampleLossRow, meanWeights, zero, unit);
    }

    /** The loss, a float32 [1] tensor on the device. */
    public Tensor value() {
        return value;
    }

    /** The loss as a Java number (a device-to-host copy on CUDA; free on the CPU). */
    public float valueOnHost() {
        return arena.readFloat(value);
    }

    /** Softmax of the logits, float32 [batch, classes]. */
    public Tensor probabilities() {
        return probabilities;
    }

    /** Log-softmax of the logits, float32 [batch, classes] (log pi for policy gradients and entropy). */
    public Tensor logProbabilities() {
        return logProbabilities;
    }

    /** {@code logsumexp} of each row of logits, float32 [batch]. */
    public Tensor logSumExp() {
        return logSumExp;
    }

    /** The weighted per-sample loss {@code w_b * (logsumexp(z_b) - z_b[target_b])}, float32 [batch]. */
    public Tensor sampleLoss() {
        return sampleLoss;
    }
}

package io.rltrader.nn;

import io.rltrader.util.Rng;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Tensor;

/**
 * A categorical policy over K actions parameterized by logits {@code z} [B, K]: the log-probability
 * of the taken actions, the entropy, and their hand-written gradients; plus sampling in Java.
 *
 * <pre>
 *   log p          = z - logsumexp(z)                 (the stable log-softmax of {@link CrossEntropyLoss})
 *   logProb_b      = log p_b[a_b]
 *   entropy_b      = -sum_k p_bk log p_bk
 *   d logProb_b / d z_bk = onehot_bk - p_bk
 *   d entropy_b / d z_bk = -p_bk (log p_bk + entropy_b)
 * </pre>
 * {@link #backward} takes the loss's gradients with respect to logProb and entropy ([B] each) and
 * overwrites the gradient of the logits. The taken actions are a one-hot [B, K] matrix, filled from
 * int64 indices by {@link #setActions} (one {@code scatter_}). Bound once; nothing allocates.
 *
 * <p>{@link #sample} draws from host-readable logits by the inverse CDF with a seeded {@link Rng}
 * (never LibTorch's generator, so that a seed reproduces a run on every machine).
 */
public final class CategoricalHead {
    private final CrossEntropyLoss logSoftmax;
    private final Tensor oneHot;
    private final Tensor gradLogits;
    private final Tensor logProb;
    private final Tensor entropy;
    private final Tensor entropyRows;
    private final Tensor terms;
    private final Tensor entropyTerms;
    private final Tensor onesClasses;
    private final Tensor gradLogProbRows;
    private final Tensor gradEntropyRows;
    private final Tensor gradLogProb;
    private final Tensor gradEntropy;

    /**
     * @param logits       float32 [batch, classes]
     * @param gradLogits   float32 [batch, classes], overwritten by {@link #backward}; null for inference
     * @param gradLogProb  float32 [batch], d loss / d logProb, written by the caller before backward
     * @param gradEntropy  float32 [batch], d loss / d entropy, written by the caller before backward
     */
    public CategoricalHead(DeviceTensors arena, Tensor logits, Tensor gradLogits, Tensor gradLogProb,
                           Tensor gradEntropy, int batch, int classes) {
        this.oneHot = arena.zeros(batch, classes);
        // The cross-entropy's per-sample loss against the one-hot actions is -logProb; its own
        // gradient buffer is scratch.
        this.logSoftmax = new CrossEntropyLoss(arena, logits, oneHot, null, arena.zeros(batch, classes), batch,
            classes);
        this.gradLogits = gradLogits;
        this.logProb = arena.zeros(batch);
        this.entropy = arena.zeros(batch);
        this.entropyRows = arena.own(arena.own(entropy.view(batch, 1)).expand(batch, classes));
        this.terms = arena.zeros(batch, classes);
        this.entropyTerms = arena.zeros(batch, classes);
        this.onesClasses = arena.full(1.0, classes);
        this.gradLogProb = gradLogProb;
        this.gradEntropy = gradEntropy;
        this.gradLogProbRows = gradLogProb == null ? null
            : arena.own(arena.own(gradLogProb.view(batch, 1)).expand(batch, classes));
        this.gradEntropyRows = gradEntropy == null ? null
            : arena.own(arena.own(gradEntropy.view(batch, 1)).expand(batch, classes));
    }

    /** Fills the one-hot action matrix from int64 indices [batch, 1]. */
    public void setActions(Tensor actionIndices) {
        oneHot.zero_().scatter_(1, actionIndices, NativeConstants.ONE);
    }

    /** The one-hot taken actions, float32 [batch, classes] (or write it directly). */
    public Tensor oneHotActions() {
        return oneHot;
    }

    /** Computes log-probabilities, {@link #logProb()} and {@link #entropy()} from the logits. */
    public void compute() {
        logSoftmax.compute();
        logProb.copy_(logSoftmax.sampleLoss()).neg_();
        entropyTerms.copy_(logSoftmax.probabilities()).mul_(logSoftmax.logProbabilities());
        entropy.addmv_(entropyTerms, onesClasses, NativeConstants.ZERO, NativeConstants.MINUS_ONE);
    }

    /** Overwrites the logits' gradient from the bound {@code gradLogProb} and {@code gradEntropy}. */
    public void backward() {
        Tensor p = logSoftmax.probabilities();
        terms.copy_(oneHot).sub_(p).mul_(gradLogProbRows);
        entropyTerms.copy_(logSoftmax.logProbabilities()).add_(entropyRows).mul_(p).mul_(gradEntropyRows);
        gradLogits.copy_(terms).sub_(entropyTerms);
    }

    /** log pi(a_b | s_b), float32 [batch]. */
    public Tensor logProb() {
        return logProb;
    }

    /** Entropy per row, float32 [batch]. */
    public Tensor entropy() {
        return entropy;
    }

    public Tensor probabilities() {
        return logSoftmax.probabilities();
    }

    public Tensor logProbabilities() {
        return logSoftmax.logProbabilities();
    }

    public Tensor gradLogProb() {
        return gradLogProb;
    }

    public Tensor gradEntropy() {
        return gradEntropy;
    }

    /**
     * Samples an action for row {@code row} of host-readable float32 logits [rows, classes] by the
     * inverse CDF of the softmax, and writes its log-probability to {@code logProbOut} at float
     * index {@code row}. Allocates nothing.
     */
    public static int sample(UnsafeBuffer logits, int row, int classes, Rng rng, UnsafeBuffer logProbOut) {
        int first = row * classes;
        float max = logits.getFloat(first * Float.BYTES);
        for (int k = 1; k < classes; k++) {
            max = Math.max(max, logits.getFloat((first + k) * Float.BYTES));
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += Math.exp(logits.getFloat((first + k) * Float.BYTES) - max);
        }
        double u = rng.nextDouble() * sum;
        int action = classes - 1;
        double cumulative = 0;
        for (int k = 0; k < classes; k++) {
            cumulative += Math.exp(logits.getFloat((first + k) * Float.BYTES) - max);
            if (u < cumulative) {
                action = k;
                break;
            }
        }
        double logProbability = logits.getFloat((first + action) * Float.BYTES) - max - Math.log(sum);
        logProbOut.putFloat(row * Float.BYTES, (float) logProbability);
        return action;
    }
}

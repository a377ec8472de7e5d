package io.rltrader.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * A layer bound to one input tensor and batch size: preallocated output, and in a training binding
 * the gradient with respect to that output, which the next layer (or the loss) writes.
 */
public abstract class LayerPass {
    protected final Tensor output;
    protected final Tensor gradOutput;

    protected LayerPass(Tensor output, Tensor gradOutput) {
        this.output = output;
        this.gradOutput = gradOutput;
    }

    /** The output, {@code [batch, outFeatures]}; valid after {@link #forward()}. */
    public final Tensor output() {
        return output;
    }

    /** The gradient of the loss with respect to {@link #output()}: written by the caller before backward. */
    public final Tensor gradOutput() {
        if (gradOutput == null) {
            throw new IllegalStateException("this pass was bound for inference; bind with training=true to backpropagate");
        }
        return gradOutput;
    }

    /** Computes {@link #output()} from the bound input. */
    public abstract void forward();

    /**
     * Back-propagates {@link #gradOutput()}: writes (overwrites) the gradient of the bound input if
     * one was given, and, if {@code parameterGradients}, overwrites this layer's parameter gradients.
     * Requires the preceding {@link #forward()} on the same input. May overwrite
     * {@link #gradOutput()} (a ReLU layer masks it in place).
     */
    public abstract void backward(boolean parameterGradients);
}

package io.rltrader.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * A differentiable block with hand-written forward and backward passes over 2-D activations
 * {@code [batch, features]}. A layer holds only its parameters; {@link #bind} makes a
 * {@link LayerPass} for one fixed input tensor and batch size, with every activation, gradient and
 * view preallocated, so that running it allocates nothing.
 */
public interface Layer {
    int inFeatures();

    int outFeatures();

    /**
     * Preallocates a pass over {@code input} ({@code [binding.batch(), inFeatures()]}). Where
     * {@code gradInput} is not null, {@link LayerPass#backward} writes the gradient with respect to
     * the input into it (overwriting); where it is null that product is skipped.
     */
    LayerPass bind(Binding binding, Tensor input, Tensor gradInput);
}

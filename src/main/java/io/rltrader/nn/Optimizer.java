package io.rltrader.nn;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * An optimizer fused over one {@link ParameterSet}'s flat value and gradient buffers: a step is a
 * fixed handful of in-place native ops whatever the number of layers, and allocates nothing.
 */
public interface Optimizer extends AutoCloseable {
    /** Applies one update from the current gradients. */
    void step();

    /** Sets the learning rate used from the next {@link #step()} on (schedules call this). */
    void setLearningRate(double learningRate);

    double learningRate();

    /** Number of steps taken. */
    long steps();

    /** Restores the step count (checkpoint resume). */
    void restoreSteps(long steps);

    /** Named state tensors (same layout as the parameters) for checkpoints; restore by copying into them. */
    Map<String, Tensor> state();

    @Override
    void close();
}

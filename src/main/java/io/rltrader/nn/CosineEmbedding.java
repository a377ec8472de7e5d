package io.rltrader.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * IQN's embedding of quantile fractions (Dabney et al. 2018b): {@code phi(tau) = ReLU(W c(tau) + b)}
 * with the cosine features {@code c_i(tau) = cos(pi i tau)}, i = 0..n-1. The features have no
 * parameters; only the linear layer after them learns, so the backward pass is the {@link Dense}
 * layer's and there is no gradient with respect to tau (the fractions are sampled, not learned).
 *
 * <p>Input: a column of fractions {@code [M, 1]}; output {@code [M, out]}. The features are two
 * in-place ops over an expand view of the column and a row of frequencies {@code pi i}.
 */
public final class CosineEmbedding implements Layer {
    private final int features;
    private final Dense linear;

    public CosineEmbedding(ParameterSet.Builder parameters, String name, int features, int out) {
        if (features <= 0) {
            throw new IllegalArgumentException("layer " + name + " needs a positive number of cosine features, got "
                + features);
        }
        this.features = features;
        this.linear = new Dense(parameters, name, features, out, Activation.RELU);
    }

    /** Number of cosine features n. */
    public int features() {
        return features;
    }

    public Dense linear() {
        return linear;
    }

    @Override
    public int inFeatures() {
        return 1;
    }

    @Override
    public int outFeatures() {
        return linear.outFeatures();
    }

    /** {@code gradInput} must be null: the fractions get no gradient. */
    @Override
    public LayerPass bind(Binding binding, Tensor input, Tensor gradInput) {
        if (gradInput != null) {
            throw new IllegalArgumentException("the cosine embedding has no gradient with respect to tau");
        }
        return new Pass(binding, input);
    }

    private final class Pass extends LayerPass {
        private final Tensor cosines;
        private final Tensor tauRows;
        private final Tensor frequencyRows;
        private final LayerPass linearPass;

        Pass(Binding binding, Tensor input) {
            this(binding, input, binding.activation(features));
        }

        /** The linear layer is bound over the cosine buffer before super() needs its output. */
        private Pass(Binding binding, Tensor input, Tensor cosines) {
            this(binding, input, cosines, linear.bind(binding, cosines, null));
        }

        private Pass(Binding binding, Tensor input, Tensor cosines, LayerPass linearPass) {
            super(linearPass.output(), binding.training() ? linearPass.gradOutput() : null);
            DeviceTensors arena = binding.arena();
            int rows = binding.batch();
            this.cosines = cosines;
            this.linearPass = linearPass;
            this.tauRows = arena.own(input.expand(rows, features));
            float[] frequencies = new float[features];
            for (int i = 0; i < features; i++) {
                frequencies[i] = (float) (Math.PI * i);
            }
            Tensor frequencyRow = arena.zeros(1, features);
            arena.upload(frequencyRow, frequencies, 1, features);
            this.frequencyRows = arena.own(frequencyRow.expand(rows, features));
        }

        @Override
        public void forward() {
            cosines.copy_(tauRows).mul_(frequencyRows).cos_();
            linearPass.forward();
        }

        @Override
        public void backward(boolean parameterGradients) {
            linearPass.backward(parameterGradients);
        }
    }
}

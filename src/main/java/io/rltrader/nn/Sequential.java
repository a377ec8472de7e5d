package io.rltrader.nn;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/** Layers applied in order; the bound pass chains each layer's output and gradient buffers. */
public final class Sequential implements Layer {
    private final List<Layer> layers;

    public Sequential(List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a Sequential needs at least one layer");
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).inFeatures() != layers.get(i - 1).outFeatures()) {
                throw new IllegalArgumentException("layer " + i + " takes " + layers.get(i).inFeatures()
                    + " features but layer " + (i - 1) + " gives " + layers.get(i - 1).outFeatures());
            }
        }
        this.layers = List.copyOf(layers);
    }

    /**
     * A multilayer perceptron {@code in -> hidden... -> out} with {@code hiddenActivation} after each
     * hidden layer and {@code outputActivation} on the last; parameters are named {@code prefix.i.weight}
     * and {@code prefix.i.bias} with i counting the linear layers from 0.
     */
    public static Sequential mlp(ParameterSet.Builder parameters, String prefix, int in, int[] hidden, int out,
                                 Activation hiddenActivation, Activation outputActivation) {
        Layer[] layers = new Layer[hidden.length + 1];
        int width = in;
        for (int i = 0; i < hidden.length; i++) {
            layers[i] = new Dense(parameters, prefix + "." + i, width, hidden[i], hiddenActivation);
            width = hidden[i];
        }
        layers[hidden.length] = new Dense(parameters, prefix + "." + hidden.length, width, out, outputActivation);
        return new Sequential(List.of(layers));
    }

    /**
     * As {@link #mlp}, with a {@link LayerNorm} after each hidden layer (after its activation:
     * {@code Dense+act -> LayerNorm -> Dense+act -> LayerNorm -> ... -> Dense}). The norm after hidden
     * layer i has parameters {@code prefix.i.norm.weight} and {@code prefix.i.norm.bias}.
     */
    public static Sequential mlpWithLayerNorm(ParameterSet.Builder parameters, String prefix, int in, int[] hidden,
                                              int out, Activation hiddenActivation, Activation outputActivation) {
        List<Layer> layers = new ArrayList<>();
        int width = in;
        for (int i = 0; i < hidden.length; i++) {
            layers.add(new Dense(parameters, prefix + "." + i, width, hidden[i], hiddenActivation));
            layers.add(new LayerNorm(parameters, prefix + "." + i + ".norm", hidden[i]));
            width = hidden[i];
        }
        layers.add(new Dense(parameters, prefix + "." + hidden.length, width, out, outputActivation));
        return new Sequential(layers);
    }

    public List<Layer> layers() {
        return layers;
    }

    @Override
    public int inFeatures() {
        return layers.get(0).inFeatures();
    }

    @Override
    public int outFeatures() {
        return layers.get(layers.size() - 1).outFeatures();
    }

    @Override
    public LayerPass bind(Binding binding, Tensor input, Tensor gradInput) {
        LayerPass[] passes = new LayerPass[layers.size()];
        Tensor x = input;
        Tensor gx = gradInput;
        for (int i = 0; i < passes.length; i++) {
            passes[i] = layers.get(i).bind(binding, x, gx);
            x = passes[i].output();
            gx = binding.training() ? passes[i].gradOutput() : null;
        }
        return new Pass(passes);
    }

    private static final class Pass extends LayerPass {
        private final LayerPass[] passes;

        Pass(LayerPass[] passes) {
            super(passes[passes.length - 1].output, passes[passes.length - 1].gradOutput);
            this.passes = passes;
        }

        @Override
        public void forward() {
            for (LayerPass pass : passes) {
                pass.forward();
            }
        }

        @Override
        public void backward(boolean parameterGradients) {
            for (int i = passes.length - 1; i >= 0; i--) {
                passes[i].backward(parameterGradients);
            }
        }
    }
}

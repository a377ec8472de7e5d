package io.rltrader.agent;

import io.rltrader.nn.Activation;
import io.rltrader.nn.Binding;
import io.rltrader.nn.CosineEmbedding;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.Layer;
import io.rltrader.nn.LayerPass;
import io.rltrader.nn.NativeConstants;
import io.rltrader.nn.ParameterSet;
import io.rltrader.nn.Sequential;
import io.rltrader.util.Rng;
import java.util.Arrays;
import org.bytedeco.pytorch.Tensor;

/**
 * IQN's quantile network {@code Z_tau(s, a) = f(psi(s) * phi(tau))_a} (Dabney et al. 2018b): a state
 * encoder {@code psi} (one ReLU layer, observations to width H = {@code hidden[0]}), the cosine
 * embedding {@code phi} of a fraction (to width H, ReLU), their elementwise product, and a head MLP
 * {@code f} (H, then {@code hidden[1..]}, to one value per action). Parameters, in one
 * {@link ParameterSet}: {@code state.0.*}, {@code embedding.*}, {@code head.i.*}.
 */
final class IqnNetwork {
    final Layer state;
    final CosineEmbedding embedding;
    final Layer head;
    final ParameterSet parameters;
    private final int width;
    private final int actions;

    IqnNetwork(DeviceTensors arena, int observations, int[] hidden, int cosineFeatures, int actions, Rng rng) {
        ParameterSet.Builder builder = ParameterSet.builder();
        this.width = hidden[0];
        this.actions = actions;
        this.state = Sequential.mlp(builder, "state", observations, new int[0], width, Activation.RELU,
            Activation.RELU);
        this.embedding = new CosineEmbedding(builder, "embedding", cosineFeatures, width);
        this.head = Sequential.mlp(builder, "head", width, Arrays.copyOfRange(hidden, 1, hidden.length), actions,
            Activation.RELU, Activation.IDENTITY);
        this.parameters = builder.build(arena, rng);
    }

    /**
     * A pass over {@code rows} observations ({@code input}, [rows, observations]) with {@code perRow}
     * fractions each ({@code taus}); its output is {@code [rows * perRow, A]}, row {@code b * perRow + j}
     * the values at sample b's fraction j.
     */
    Pass bind(DeviceTensors arena, int rows, int perRow, Tensor input, SampledTaus taus, boolean training) {
        return new Pass(arena, rows, perRow, input, taus, training);
    }

    /** One bound forward (and, for training, backward) pass; every buffer is made here. */
    final class Pass {
        private final LayerPass statePass;
        private final LayerPass embeddingPass;
        private final LayerPass headPass;
        private final Tensor embeddingCube;
        private final Tensor stateRowsExpanded;
        private final Tensor productCube;
        private final Tensor gradProductCube;
        private final Tensor gradEmbeddingCube;
        private final Tensor gradStateRows;
        private final Tensor onesPerRow;
        /** float32 [rows, perRow, A], a view of the output. */
        final Tensor outputCube;
        /** float32 [rows, perRow, A], a view of the output's gradient (training passes only). */
        final Tensor gradOutputCube;

        private Pass(DeviceTensors arena, int rows, int perRow, Tensor input, SampledTaus taus, boolean training) {
            int samples = Math.multiplyExact(rows, perRow);
            Binding perState = new Binding(arena, rows, training);
            Binding perSample = new Binding(arena, samples, training);
            statePass = state.bind(perState, input, null);
            embeddingPass = embedding.bind(perSample, taus.column, null);
            Tensor product = perSample.activation(width);
            Tensor gradProduct = perSample.gradient(width);
            headPass = head.bind(perSample, product, gradProduct);
            embeddingCube = arena.own(embeddingPass.output().view(rows, perRow, width));
            stateRowsExpanded = arena.own(arena.own(statePass.output().view(rows, 1, width))
                .expand(rows, perRow, width));
            productCube = arena.own(product.view(rows, perRow, width));
            outputCube = arena.own(headPass.output().view(rows, perRow, actions));
            if (training) {
                gradProductCube = arena.own(gradProduct.view(rows, perRow, width));
                gradEmbeddingCube = arena.own(embeddingPass.gradOutput().view(rows, perRow, width));
                gradStateRows = arena.own(statePass.gradOutput().view(rows, 1, width));
                onesPerRow = arena.full(1.0, rows, 1, perRow);
                gradOutputCube = arena.own(headPass.gradOutput().view(rows, perRow, actions));
            } else {
                gradProductCube = null;
                gradEmbeddingCube = null;
                gradStateRows = null;
                onesPerRow = null;
                gradOutputCube = null;
            }
        }

        /** [rows * perRow, A]. */
        Tensor output() {
            return headPass.output();
        }

        /** Computes the output from the bound observations and the current fractions. */
        void forward() {
            statePass.forward();
            embeddingPass.forward();
            productCube.copy_(embeddingCube).mul_(stateRowsExpanded);
            headPass.forward();
        }

        /**
         * Back-propagates {@link #gradOutputCube} into every parameter gradient: the product's gradient
         * times psi for phi, and summed over each sample's fractions times phi for psi.
         */
        void backward() {
            headPass.backward(true);
            gradEmbeddingCube.copy_(gradProductCube).mul_(stateRowsExpanded);
            // The product's gradient is not needed after this: reuse its buffer for d psi's summands.
            gradProductCube.mul_(embeddingCube);
            gradStateRows.baddbmm_(onesPerRow, gradProductCube, NativeConstants.ZERO, NativeConstants.ONE);
            embeddingPass.backward(true);
            statePass.backward(true);
        }
    }
}

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
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * IQN's quantile network {@code Z_tau(s, a) = f(psi(s) * phi(tau))_a} (Dabney et al. 2018b): a state
 * encoder {@code psi} (one ReLU layer, observations to width H = {@code hidden[0]}), the cosine
 * embedding {@code phi} of a fraction (to width H, ReLU), their elementwise product, and a head MLP
 * {@code f} (H, then {@code hidden[1..]}, to one value per action). Parameters, in one
 * {@link ParameterSet}: {@code state.0.*}, {@code embedding.*}, {@code head.i.*}.
 *
 * <p>A pass over R observations with F fractions each lays its R x F rows out fraction-major (row
 * {@code j * R + b} is sample b at fraction j, the order of {@link SampledTaus}), so that every sum
 * over a sample's fractions (psi's gradient, the mean quantile of an action) is one matrix-vector
 * product over a transposed view instead of a batched product of tiny matrices.
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
     * fractions each ({@code taus}); every buffer is made here.
     */
    Pass bind(DeviceTensors arena, int rows, int perRow, Tensor input, SampledTaus taus, boolean training) {
        return new Pass(arena, rows, perRow, input, taus, training);
    }

    /** One bound forward (and, for training, backward) pass. */
    final class Pass {
        private final DeviceTensors arena;
        private final int rows;
        private final int perRow;
        private final LayerPass statePass;
        private final LayerPass embeddingPass;
        private final LayerPass headPass;
        private final Tensor embeddingCube;
        private final Tensor stateExpanded;
        private final Tensor productCube;
        private final Tensor gradProductCube;
        private final Tensor gradProductBySample;
        private final Tensor gradEmbeddingCube;
        private final Tensor gradStateFlat;
        private final Tensor onesFractions;
        private final Tensor onesActions;
        private final Scalar fractionMean;
        private final Tensor outputBySample;
        private final Tensor meansFlat;
        /** float32 [perRow, rows, A]: the output, fraction-major. */
        final Tensor outputCube;
        /** float32 [rows, A]: each action's mean quantile, valid after {@link #computeMeans()}. */
        final Tensor means;

        private Pass(DeviceTensors arena, int rows, int perRow, Tensor input, SampledTaus taus, boolean training) {
            this.arena = arena;
            this.rows = rows;
            this.perRow = perRow;
            int samples = Math.multiplyExact(rows, perRow);
            Binding perState = new Binding(arena, rows, training);
            Binding perSample = new Binding(arena, samples, training);
            statePass = state.bind(perState, input, null);
            embeddingPass = embedding.bind(perSample, taus.column, null);
            Tensor product = perSample.activation(width);
            Tensor gradProduct = perSample.gradient(width);
            headPass = head.bind(perSample, product, gradProduct);
            embeddingCube = arena.own(embeddingPass.output().view(perRow, rows, width));
            stateExpanded = arena.own(arena.own(statePass.output().view(1, rows, width)).expand(perRow, rows, width));
            productCube = arena.own(product.view(perRow, rows, width));
            outputCube = arena.own(headPass.output().view(perRow, rows, actions));
            outputBySample = arena.own(arena.own(headPass.output().view(perRow, (long) rows * actions)).t());
            onesFractions = arena.full(1.0, perRow);
            onesActions = arena.full(1.0, actions);
            fractionMean = arena.scalar(1.0 / perRow);
            means = arena.zeros(rows, actions);
            meansFlat = arena.own(means.view((long) rows * actions));
            if (training) {
                gradProductCube = arena.own(gradProduct.view(perRow, rows, width));
                gradProductBySample = arena.own(arena.own(gradProduct.view(perRow, (long) rows * width)).t());
                gradEmbeddingCube = arena.own(embeddingPass.gradOutput().view(perRow, rows, width));
                gradStateFlat = arena.own(statePass.gradOutput().view((long) rows * width));
            } else {
                gradProductCube = null;
                gradProductBySample = null;
                gradEmbeddingCube = null;
                gradStateFlat = null;
            }
        }

        /** Computes the output from the bound observations and the current fractions. */
        void forward() {
            statePass.forward();
            embeddingPass.forward();
            productCube.copy_(embeddingCube).mul_(stateExpanded);
            headPass.forward();
        }

        /** Each action's mean over the fractions into {@link #means}: one matrix-vector product. */
        Tensor computeMeans() {
            meansFlat.addmv_(outputBySample, onesFractions, NativeConstants.ZERO, fractionMean);
            return means;
        }

        /**
         * Back-propagates the output's gradient (written through a {@link Selection}) into every
         * parameter gradient: the product's gradient times psi for phi, and summed over each sample's
         * fractions times phi for psi.
         */
        void backward() {
            headPass.backward(true);
            gradEmbeddingCube.copy_(gradProductCube).mul_(stateExpanded);
            // The product's gradient is not needed after this: reuse its buffer for d psi's summands.
            gradProductCube.mul_(embeddingCube);
            gradStateFlat.addmv_(gradProductBySample, onesFractions, NativeConstants.ZERO, NativeConstants.ONE);
            embeddingPass.backward(true);
            statePass.backward(true);
        }

        /**
         * Reads, per sample and fraction, the output at the actions a mask {@code [rows, A]} picks
         * (a one-hot taken action, or the greedy mask): {@code sum_a Z[j, b, a] mask[b, a]}; with
         * {@code gradPicked} ({@code [rows, perRow]}) it also writes that read's gradient into the output's.
         */
        Selection select(Tensor mask, Tensor gradPicked) {
            return new Selection(mask, gradPicked);
        }

        /** A bound read of the output at masked actions; see {@link #select}. */
        final class Selection {
            private final Tensor maskCube;
            private final Tensor scratch;
            private final Tensor scratchRows;
            private final Tensor picked;
            private final Tensor pickedFlat;
            private final Tensor gradPickedCube;
            private final Tensor gradOutputCube;
            /** float32 [rows, perRow] (a transposed view), valid after {@link #compute()}. */
            final Tensor bySample;

            private Selection(Tensor mask, Tensor gradPicked) {
                maskCube = arena.own(arena.own(mask.view(1, rows, actions)).expand(perRow, rows, actions));
                scratch = arena.zeros(perRow, rows, actions);
                scratchRows = arena.own(scratch.view((long) perRow * rows, actions));
                picked = arena.zeros(perRow, rows);
                pickedFlat = arena.own(picked.view((long) perRow * rows));
                bySample = arena.own(picked.t());
                gradPickedCube = gradPicked == null ? null
                    : arena.own(arena.own(arena.own(gradPicked.t()).unsqueeze(2)).expand(perRow, rows, actions));
                gradOutputCube = gradPicked == null ? null
                    : arena.own(headPass.gradOutput().view(perRow, rows, actions));
            }

            /** The picked values, {@link #bySample}. */
            Tensor compute() {
                scratch.copy_(outputCube).mul_(maskCube);
                pickedFlat.addmv_(scratchRows, onesActions, NativeConstants.ZERO, NativeConstants.ONE);
                return bySample;
            }

            /** The output's gradient from the picked values' (the bound {@code gradPicked}): zero elsewhere. */
            void backward() {
                gradOutputCube.copy_(maskCube).mul_(gradPickedCube);
            }
        }
    }
}

package io.rltrader.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.Rng;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hand-written forward/backward of dense layers and MLPs against LibTorch autograd. */
class DenseParityTest {
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest
    @EnumSource(Activation.class)
    void mlpForwardAndGradientsMatchAutograd(Activation activation) {
        mlpMatchesAutograd(activation, 7);
    }

    /** One row takes the layers' matrix-vector path in the forward pass (acting for one env). */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void singleRowMatchesAutograd(Activation activation) {
        mlpMatchesAutograd(activation, 1);
    }

    private static void mlpMatchesAutograd(Activation activation, int batch) {
        int in = 5;
        int[] hidden = {16, 12};
        int out = 3;
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet.Builder builder = ParameterSet.builder();
            Sequential mlp = Sequential.mlp(builder, "net", in, hidden, out, activation, Activation.IDENTITY);
            ParameterSet params = builder.build(arena, new Rng(11));
            Tensor x = arena.zeros(batch, in);
            Tensor gradX = arena.zeros(batch, in);
            Rng rng = new Rng(5);
            Autograd.fillGaussian(arena, x, rng, 1.0);
            LayerPass pass = mlp.bind(new Binding(arena, batch, true), x, gradX);
            pass.forward();
            Autograd.fillGaussian(arena, pass.gradOutput(), rng, 1.0);
            pass.backward(true);

            Tensor xRef = Autograd.leaf(x);
            List<Layer> layers = mlp.layers();
            Tensor[] weights = new Tensor[layers.size()];
            Tensor[] biases = new Tensor[layers.size()];
            Tensor h = xRef;
            for (int i = 0; i < layers.size(); i++) {
                Dense dense = (Dense) layers.get(i);
                weights[i] = Autograd.leaf(dense.weight().value());
                biases[i] = Autograd.leaf(dense.bias().value());
                h = Autograd.dense(h, weights[i], biases[i], dense.activation());
            }
            h.mul(Autograd.constant(pass.gradOutput())).sum().backward();

            assertClose("output", Autograd.read(pass.output()), Autograd.read(h));
            assertClose("input gradient", Autograd.read(gradX), Autograd.read(xRef.grad()));
            for (int i = 0; i < layers.size(); i++) {
                Dense dense = (Dense) layers.get(i);
                assertClose("weight " + i, Autograd.read(dense.weight().gradient()), Autograd.read(weights[i].grad()));
                assertClose("bias " + i, Autograd.read(dense.bias().gradient()), Autograd.read(biases[i].grad()));
            }
        }
    }

    @Test
    void duelingHeadMatchesAutograd() {
        int batch = 6;
        int features = 9;
        int hidden = 10;
        int actions = 4;
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet.Builder builder = ParameterSet.builder();
            DuelingHead head = DuelingHead.of(builder, "q", features, hidden, actions);
            ParameterSet params = builder.build(arena, new Rng(3));
            Tensor x = arena.zeros(batch, features);
            Tensor gradX = arena.zeros(batch, features);
            Rng rng = new Rng(8);
            Autograd.fillGaussian(arena, x, rng, 1.0);
            LayerPass pass = head.bind(new Binding(arena, batch, true), x, gradX);
            pass.forward();
            Autograd.fillGaussian(arena, pass.gradOutput(), rng, 1.0);
            pass.backward(true);

            Tensor xRef = Autograd.leaf(x);
            Tensor[] leaves = new Tensor[params.parameters().size()];
            for (int i = 0; i < leaves.length; i++) {
                leaves[i] = Autograd.leaf(params.parameters().get(i).value());
            }
            // Order of declaration: value.0.w, value.0.b, value.1.w, value.1.b, advantage.0..., advantage.1...
            Tensor v = Autograd.dense(Autograd.dense(xRef, leaves[0], leaves[1], Activation.RELU), leaves[2], leaves[3],
                Activation.IDENTITY);
            Tensor a = Autograd.dense(Autograd.dense(xRef, leaves[4], leaves[5], Activation.RELU), leaves[6], leaves[7],
                Activation.IDENTITY);
            Tensor q = v.add(a.sub(a.mean(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional())));
            q.mul(Autograd.constant(pass.gradOutput())).sum().backward();

            assertClose("q", Autograd.read(pass.output()), Autograd.read(q));
            assertClose("input gradient", Autograd.read(gradX), Autograd.read(xRef.grad()));
            for (int i = 0; i < leaves.length; i++) {
                assertClose(params.parameters().get(i).name(),
                    Autograd.read(params.parameters().get(i).gradient()), Autograd.read(leaves[i].grad()));
            }
        }
    }

    @Test
    void initializationFollowsPyTorchBoundsAndSeed() {
        try (DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet.Builder first = ParameterSet.builder();
            Sequential.mlp(first, "q", 8, new int[] {128}, 3, Activation.RELU, Activation.IDENTITY);
            ParameterSet a = first.build(arena, new Rng(42));
            ParameterSet.Builder second = ParameterSet.builder();
            Sequential.mlp(second, "q", 8, new int[] {128}, 3, Activation.RELU, Activation.IDENTITY);
            ParameterSet b = second.build(arena, new Rng(42));
            assertArrayEquals(a.toArray(), b.toArray(), "same seed, same weights");
            assertEquals(8 * 128 + 128 + 128 * 3 + 3, a.size());
            float[] w0 = Autograd.read(a.parameter("q.0.weight").value());
            double bound = 1 / Math.sqrt(8);
            double max = 0;
            for (float w : w0) {
                assertTrue(Math.abs(w) <= bound, "weight within 1/sqrt(fan_in)");
                max = Math.max(max, Math.abs(w));
            }
            assertTrue(max > 0.9 * bound, "uniform fills the range");
            float[] w1 = Autograd.read(a.parameter("q.1.weight").value());
            for (float w : w1) {
                assertTrue(Math.abs(w) <= 1 / Math.sqrt(128));
            }
        }
    }

    static void assertClose(String what, float[] actual, float[] expected) {
        double error = Autograd.maxRelativeError(actual, expected, 1e-3);
        assertTrue(error < TOLERANCE, what + ": max relative error " + error);
    }
}

package io.rltrader.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.Rng;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** IQN's cosine embedding of tau against ReLU(Linear(cos(pi i tau))) written with autograd ops. */
class CosineEmbeddingParityTest {
    @Test
    void forwardAndParameterGradientsMatchAutograd() {
        int rows = 12;
        int features = 64;
        int out = 10;
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet.Builder builder = ParameterSet.builder();
            CosineEmbedding embedding = new CosineEmbedding(builder, "tau", features, out);
            ParameterSet params = builder.build(arena, new Rng(4));
            Tensor taus = arena.zeros(rows, 1);
            Rng rng = new Rng(6);
            float[] values = new float[rows];
            for (int i = 0; i < rows; i++) {
                values[i] = rng.nextFloat();
            }
            arena.upload(taus, values, rows, 1);
            LayerPass pass = embedding.bind(new Binding(arena, rows, true), taus, null);
            pass.forward();
            Autograd.fillGaussian(arena, pass.gradOutput(), rng, 1.0);
            pass.backward(true);

            Tensor weight = Autograd.leaf(embedding.linear().weight().value());
            Tensor bias = Autograd.leaf(embedding.linear().bias().value());
            Tensor phi = Autograd.dense(QuantileReference.cosineFeatures(Autograd.constant(taus), features), weight, bias,
                Activation.RELU);
            phi.mul(Autograd.constant(pass.gradOutput())).sum().backward();

            assertClose("phi", Autograd.read(pass.output()), Autograd.read(phi));
            assertClose("weight gradient", Autograd.read(embedding.linear().weight().gradient()),
                Autograd.read(weight.grad()));
            assertClose("bias gradient", Autograd.read(embedding.linear().bias().gradient()), Autograd.read(bias.grad()));
            assertTrue(params.size() == (long) features * out + out);
        }
    }

    @Test
    void refusesAGradientForTau() {
        try (DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet.Builder builder = ParameterSet.builder();
            CosineEmbedding embedding = new CosineEmbedding(builder, "tau", 8, 4);
            builder.build(arena, new Rng(1));
            Tensor taus = arena.zeros(3, 1);
            assertThrows(IllegalArgumentException.class,
                () -> embedding.bind(new Binding(arena, 3, true), taus, arena.zeros(3, 1)));
        }
    }

    private static void assertClose(String what, float[] actual, float[] expected) {
        double error = Autograd.maxRelativeError(actual, expected, 1e-3);
        assertTrue(error < 1e-5, what + ": max relative error " + error);
    }
}

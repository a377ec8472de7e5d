package io.rltrader.nn;

import static io.rltrader.nn.DenseParityTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.Rng;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Global-norm clipping against PyTorch's clip_grad_norm_ formula in Java. */
class GradientClipperTest {
    @ParameterizedTest
    @ValueSource(doubles = {0.5, 2.0, 100.0})
    void clipsLikeClipGradNorm(double maxNorm) {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet.Builder builder = ParameterSet.builder();
            Sequential.mlp(builder, "q", 4, new int[] {8}, 2, Activation.RELU, Activation.IDENTITY);
            ParameterSet params = builder.build(arena, new Rng(1));
            Autograd.fillGaussian(arena, params.gradients(), new Rng(2), 0.3);
            float[] before = params.gradientsToArray();
            double squared = 0;
            for (float g : before) {
                squared += (double) g * g;
            }
            double norm = Math.sqrt(squared);
            assertTrue(norm > 0.5 && norm < 100, "the cases straddle the norm: " + norm);
            double coefficient = Math.min(1, maxNorm / (norm + 1e-6));
            float[] expected = new float[before.length];
            for (int i = 0; i < before.length; i++) {
                expected[i] = (float) (before[i] * coefficient);
            }
            try (GradientClipper clipper = new GradientClipper(params, maxNorm)) {
                clipper.clip();
                assertEquals(norm, clipper.lastNorm(), 1e-6 * norm);
                float[] after = params.gradientsToArray();
                if (coefficient == 1) {
                    assertArrayEquals(before, after, "a norm below the maximum leaves the gradients bit for bit");
                } else {
                    assertClose("clipped gradients", after, expected);
                    double clippedNorm = 0;
                    for (float g : after) {
                        clippedNorm += (double) g * g;
                    }
                    assertEquals(maxNorm, Math.sqrt(clippedNorm), 1e-5 * maxNorm);
                }
            }
        }
    }
}

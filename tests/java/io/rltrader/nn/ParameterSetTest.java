package io.rltrader.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.Rng;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.junit.jupiter.api.Test;

/** The flat-buffer operations of ParameterSet against slow Java references. */
class ParameterSetTest {
    private static ParameterSet mlp(DeviceTensors arena, long seed) {
        ParameterSet.Builder builder = ParameterSet.builder();
        Sequential.mlp(builder, "q", 6, new int[] {10}, 3, Activation.RELU, Activation.IDENTITY);
        return builder.build(arena, new Rng(seed));
    }

    @Test
    void copyFromMakesAnExactCopy() {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet online = mlp(arena, 1);
            ParameterSet target = mlp(arena, 2);
            assertFalse(java.util.Arrays.equals(online.toArray(), target.toArray()));
            target.copyFrom(online);
            assertArrayEquals(online.toArray(), target.toArray());
        }
    }

    @Test
    void polyakFromMatchesAReference() {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet online = mlp(arena, 1);
            ParameterSet target = mlp(arena, 2);
            double tau = 0.005;
            Scalar tauScalar = arena.scalar(tau);
            double[] expected = toDouble(target.toArray());
            Rng rng = new Rng(3);
            for (int step = 0; step < 5; step++) {
                // The online network moves between updates, as it does in training.
                float[] source = online.toArray();
                for (int i = 0; i < source.length; i++) {
                    source[i] += (float) (0.1 * rng.nextGaussian());
                }
                online.load(source);
                target.polyakFrom(online, tauScalar);
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = (1 - tau) * expected[i] + tau * source[i];
                }
            }
            float[] actual = target.toArray();
            for (int i = 0; i < actual.length; i++) {
                assertEquals(expected[i], actual[i], 1e-6 * Math.max(1, Math.abs(expected[i])), "element " + i);
            }
            // tau = 1 is a hard copy.
            target.polyakFrom(online, arena.scalar(1.0));
            assertArrayEquals(online.toArray(), target.toArray());
        }
    }

    @Test
    void gradientSquaredNormMatchesAJavaSum() {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet params = mlp(arena, 1);
            Autograd.fillGaussian(arena, params.gradients(), new Rng(9), 0.7);
            double sum = 0;
            for (float g : params.gradientsToArray()) {
                sum += (double) g * g;
            }
            float actual = arena.host(params.gradientSquaredNorm()).getFloat(0);
            assertEquals(sum, actual, 1e-5 * sum);
            params.zeroGradients();
            assertEquals(0f, arena.host(params.gradientSquaredNorm()).getFloat(0));
        }
    }

    @Test
    void differentLayoutsAreRefused() {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet a = mlp(arena, 1);
            ParameterSet.Builder builder = ParameterSet.builder();
            Sequential.mlp(builder, "q", 6, new int[] {11}, 3, Activation.RELU, Activation.IDENTITY);
            ParameterSet b = builder.build(arena, new Rng(1));
            ParameterSet.Builder renamed = ParameterSet.builder();
            Sequential.mlp(renamed, "pi", 6, new int[] {10}, 3, Activation.RELU, Activation.IDENTITY);
            ParameterSet c = renamed.build(arena, new Rng(1));
            assertTrue(a.sameLayout(mlp(arena, 5)));
            assertFalse(a.sameLayout(b));
            assertFalse(a.sameLayout(c));
            assertThrows(IllegalArgumentException.class, () -> a.copyFrom(b));
            assertThrows(IllegalArgumentException.class, () -> a.polyakFrom(c, NativeConstants.HALF));
        }
    }

    static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}

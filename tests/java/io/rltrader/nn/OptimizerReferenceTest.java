package io.rltrader.nn;

import static io.rltrader.nn.DenseParityTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.Rng;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Adam, AdamW and SGD over several steps of a fixed gradient sequence, against slow double-precision
 * transcriptions of {@code torch.optim.Adam}, {@code torch.optim.AdamW} and {@code torch.optim.SGD}
 * (single-tensor, non-fused path). The learning rate changes part-way, as a schedule would change it.
 */
class OptimizerReferenceTest {
    private static final int SIZE = 48;
    private static final int STEPS = 7;
    private static final int LEARNING_RATE_CHANGE_AT = 4;

    /** PyTorch's Adam/AdamW, one step, in double precision. */
    private static void adamReference(double[] p, double[] m, double[] v, float[] grad, long step, double lr,
                                      Adam.Config c) {
        double bias1 = 1 - Math.pow(c.beta1(), step);
        double bias2 = 1 - Math.pow(c.beta2(), step);
        double stepSize = lr / bias1;
        for (int i = 0; i < p.length; i++) {
            double g = grad[i];
            if (c.weightDecay() != 0) {
                if (c.decoupledWeightDecay()) {
                    p[i] *= 1 - lr * c.weightDecay();
                } else {
                    g += c.weightDecay() * p[i];
                }
            }
            m[i] += (g - m[i]) * (1 - c.beta1());
            v[i] = v[i] * c.beta2() + (1 - c.beta2()) * g * g;
            double denom = Math.sqrt(v[i]) / Math.sqrt(bias2) + c.epsilon();
            p[i] -= stepSize * m[i] / denom;
        }
    }

    /** PyTorch's SGD (dampening 0, no Nesterov, no weight decay), one step. */
    private static void sgdReference(double[] p, double[] buf, float[] grad, long step, double lr, double momentum) {
        for (int i = 0; i < p.length; i++) {
            double d = grad[i];
            if (momentum != 0) {
                buf[i] = step == 1 ? grad[i] : momentum * buf[i] + grad[i];
                d = buf[i];
            }
            p[i] -= lr * d;
        }
    }

    /** A gradient for each step: mostly O(1), a few tiny (where eps matters), one always zero. */
    private static float[][] gradients() {
        Rng rng = new Rng(99);
        float[][] out = new float[STEPS][SIZE];
        for (int s = 0; s < STEPS; s++) {
            for (int i = 0; i < SIZE; i++) {
                double scale = i % 8 == 1 ? 1e-7 : i % 8 == 2 ? 1e-5 : 1.0;
                out[s][i] = i == 0 ? 0f : (float) (scale * rng.nextGaussian());
            }
        }
        return out;
    }

    private static ParameterSet parameters(DeviceTensors arena) {
        ParameterSet.Builder builder = ParameterSet.builder();
        // Small initial values so that a few updates of the learning rate's size are a large part of the
        // final values, which the comparison then checks to 1e-5.
        builder.add("w", ParameterSet.Initializer.uniform(-0.1, 0.1), SIZE / 4, 4);
        return builder.build(arena, new Rng(5));
    }

    @ParameterizedTest
    @CsvSource({
        // lr, weight decay, decoupled, kernels
        "0.05, 0, false, TENSOR_OPS",
        "0.05, 0.1, false, TENSOR_OPS",
        "0.05, 0.01, true, TENSOR_OPS",
        "0.05, 0.3, true, TENSOR_OPS",
        "0.001, 0, false, TENSOR_OPS",
        "0.05, 0, false, CPU_FUSED",
        "0.05, 0.1, false, CPU_FUSED",
        "0.05, 0.01, true, CPU_FUSED",
        "0.05, 0.3, true, CPU_FUSED",
        "0.001, 0, false, CPU_FUSED"})
    void adamMatchesPyTorchFormulas(double lr, double weightDecay, boolean decoupled, Kernels kernels) {
        Adam.Config config = new Adam.Config(lr, 0.9, 0.999, 1e-8, weightDecay, decoupled);
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet params = parameters(arena);
            try (Adam optimizer = new Adam(params, config, kernels)) {
                assertEquals(kernels, optimizer.kernels());
                double[] p = ParameterSetTest.toDouble(params.toArray());
                double[] m = new double[SIZE];
                double[] v = new double[SIZE];
                float[][] grads = gradients();
                double rate = lr;
                for (int s = 0; s < STEPS; s++) {
                    if (s == LEARNING_RATE_CHANGE_AT) {
                        rate = lr / 3;
                        optimizer.setLearningRate(rate);
                    }
                    arena.upload(params.gradients(), grads[s], SIZE);
                    optimizer.step();
                    adamReference(p, m, v, grads[s], s + 1, rate, config);
                    assertArrayEquals(grads[s], params.gradientsToArray(),
                        "step " + (s + 1) + " leaves the gradients as they were");
                }
                assertEquals(STEPS, optimizer.steps());
                float[] actual = params.toArray();
                assertClose("parameters", actual, toFloat(p));
                assertClose("exp_avg", Autograd.read(optimizer.state().get("exp_avg")), toFloat(m));
                assertClose("exp_avg_sq", Autograd.read(optimizer.state().get("exp_avg_sq")), toFloat(v));
            }
        }
    }

    /**
     * {@code step(clipper)} against clip_grad_norm_ then Adam in double precision, over a size that is
     * not a multiple of the kernels' vector width (the fused kernel's scalar tail runs too); norms both
     * above and below the maximum occur. The clipped gradients are left behind, as clip() leaves them.
     */
    @ParameterizedTest
    @CsvSource({"TENSOR_OPS, 45", "CPU_FUSED, 45", "CPU_FUSED, 3"})
    void adamWithClippingMatchesClipThenStep(Kernels kernels, int size) {
        Adam.Config config = Adam.Config.adam(0.05);
        double maxNorm = 0.5 * Math.sqrt(size);
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet.Builder builder = ParameterSet.builder();
            builder.add("w", ParameterSet.Initializer.uniform(-0.1, 0.1), size);
            ParameterSet params = builder.build(arena, new Rng(5));
            try (Adam optimizer = new Adam(params, config, kernels);
                 GradientClipper clipper = new GradientClipper(params, maxNorm)) {
                double[] p = ParameterSetTest.toDouble(params.toArray());
                double[] m = new double[size];
                double[] v = new double[size];
                Rng rng = new Rng(17);
                boolean clipped = false;
                boolean unclipped = false;
                for (int s = 1; s <= STEPS; s++) {
                    float[] grad = new float[size];
                    double scale = s % 2 == 0 ? 0.2 : 2.0;
                    double squared = 0;
                    for (int i = 0; i < size; i++) {
                        grad[i] = (float) (scale * rng.nextGaussian());
                        squared += (double) grad[i] * grad[i];
                    }
                    double coefficient = Math.min(1, maxNorm / (Math.sqrt(squared) + 1e-6));
                    clipped |= coefficient < 1;
                    unclipped |= coefficient == 1;
                    float[] expectedGrad = new float[size];
                    for (int i = 0; i < size; i++) {
                        expectedGrad[i] = (float) (grad[i] * coefficient);
                    }
                    arena.upload(params.gradients(), grad, size);
                    optimizer.step(clipper);
                    adamReference(p, m, v, expectedGrad, s, config.learningRate(), config);
                    assertEquals(Math.sqrt(squared), clipper.lastNorm(), 1e-6 * Math.sqrt(squared));
                    assertClose("step " + s + " gradients", params.gradientsToArray(), expectedGrad);
                }
                assertTrue(clipped && unclipped, "the steps cover clipping and no clipping");
                assertClose("parameters", params.toArray(), toFloat(p));
                assertClose("exp_avg_sq", Autograd.read(optimizer.state().get("exp_avg_sq")), toFloat(v));
            }
        }
    }

    @Test
    void theCpuDefaultIsTheFusedKernel() {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            try (Adam optimizer = new Adam(parameters(arena), Adam.Config.adam(0.01))) {
                assertEquals(Kernels.CPU_FUSED, optimizer.kernels());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"0.1, 0", "0.1, 0.9", "0.02, 0.5"})
    void sgdMatchesPyTorchFormulas(double lr, double momentum) {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet params = parameters(arena);
            try (Sgd optimizer = new Sgd(params, lr, momentum)) {
                double[] p = ParameterSetTest.toDouble(params.toArray());
                double[] buf = new double[SIZE];
                float[][] grads = gradients();
                double rate = lr;
                for (int s = 0; s < STEPS; s++) {
                    if (s == LEARNING_RATE_CHANGE_AT) {
                        rate = lr / 3;
                        optimizer.setLearningRate(rate);
                    }
                    arena.upload(params.gradients(), grads[s], SIZE);
                    optimizer.step();
                    sgdReference(p, buf, grads[s], s + 1, rate, momentum);
                }
                float[] actual = params.toArray();
                assertClose("parameters", actual, toFloat(p));
                if (momentum > 0) {
                    assertClose("momentum_buffer", Autograd.read(optimizer.state().get("momentum_buffer")),
                        toFloat(buf));
                }
            }
        }
    }

    static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}

package io.rltrader.nn;

import static io.rltrader.nn.DenseParityTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.Rng;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MSE and Huber losses against LibTorch's {@code mse_loss} / {@code huber_loss} under float64
 * autograd; weighted, against {@code (w * loss(reduction='none')).mean()}.
 */
class RegressionLossParityTest {
    private static final int BATCH = 33;
    /** at::Reduction: None 0, Mean 1. */
    private static final long NONE = 0;
    private static final long MEAN = 1;

    @ParameterizedTest
    @CsvSource({"MSE, 1, false, TENSOR_OPS", "MSE, 1, true, TENSOR_OPS", "HUBER, 1, false, TENSOR_OPS",
        "HUBER, 1, true, TENSOR_OPS", "HUBER, 2, false, TENSOR_OPS", "HUBER, 2, true, TENSOR_OPS",
        "MSE, 1, false, CPU_FUSED", "MSE, 1, true, CPU_FUSED", "HUBER, 1, false, CPU_FUSED",
        "HUBER, 1, true, CPU_FUSED", "HUBER, 2, false, CPU_FUSED", "HUBER, 2, true, CPU_FUSED"})
    void lossAndGradientMatchAutograd(RegressionLoss.Kind kind, double delta, boolean weighted, Kernels kernels) {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Rng rng = new Rng(7);
            Tensor prediction = arena.zeros(BATCH);
            Tensor target = arena.zeros(BATCH);
            // Errors of scale 2 put about half the samples beyond delta 1 and a third beyond delta 2.
            Autograd.fillGaussian(arena, prediction, rng, 2.0);
            Autograd.fillGaussian(arena, target, rng, 1.5);
            Tensor weights = null;
            if (weighted) {
                weights = arena.zeros(BATCH);
                float[] w = new float[BATCH];
                for (int i = 0; i < BATCH; i++) {
                    w[i] = (float) (0.1 + rng.nextDouble());
                }
                arena.upload(weights, w, BATCH);
            }
            Tensor gradPrediction = arena.full(7.0, BATCH);
            RegressionLoss loss = new RegressionLoss(arena, kind, delta, prediction, target, weights, gradPrediction,
                BATCH, kernels);
            loss.compute();

            Tensor p = Autograd.leaf64(prediction);
            Tensor t = Autograd.constant64(target);
            Tensor reference;
            if (weighted) {
                Tensor elementwise = kind == RegressionLoss.Kind.MSE ? torch.mse_loss(p, t, NONE)
                    : torch.huber_loss(p, t, NONE, delta);
                reference = elementwise.mul(Autograd.constant64(weights)).mean();
            } else {
                reference = kind == RegressionLoss.Kind.MSE ? torch.mse_loss(p, t, MEAN)
                    : torch.huber_loss(p, t, MEAN, delta);
            }
            reference.backward();

            assertClose("loss", new float[] {loss.valueOnHost()}, Autograd.read(reference));
            assertClose("gradient", Autograd.read(gradPrediction), Autograd.read(p.grad()));
            assertClose("error", Autograd.read(loss.error()), Autograd.read(p.sub(t)));
        }
    }

    /** The Java loop rounds as the tensor ops do: gradients and errors equal bit for bit. */
    @ParameterizedTest
    @CsvSource({"MSE, false", "MSE, true", "HUBER, false", "HUBER, true"})
    void cpuFusedGradientEqualsTensorOpsExactly(RegressionLoss.Kind kind, boolean weighted) {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Rng rng = new Rng(11);
            Tensor prediction = arena.zeros(BATCH);
            Tensor target = arena.zeros(BATCH);
            Autograd.fillGaussian(arena, prediction, rng, 2.0);
            Autograd.fillGaussian(arena, target, rng, 1.5);
            Tensor weights = weighted ? arena.zeros(BATCH) : null;
            if (weighted) {
                Autograd.fillGaussian(arena, weights, rng, 1.0);
            }
            Tensor gradTensorOps = arena.zeros(BATCH);
            Tensor gradFused = arena.zeros(BATCH);
            RegressionLoss tensorOps = new RegressionLoss(arena, kind, 1.3, prediction, target, weights, gradTensorOps,
                BATCH, Kernels.TENSOR_OPS);
            RegressionLoss fused = new RegressionLoss(arena, kind, 1.3, prediction, target, weights, gradFused, BATCH,
                Kernels.CPU_FUSED);
            tensorOps.compute();
            fused.compute();
            assertArrayEquals(Autograd.read(gradTensorOps), Autograd.read(gradFused));
            assertArrayEquals(Autograd.read(tensorOps.error()), Autograd.read(fused.error()));
            assertEquals(tensorOps.valueOnHost(), fused.valueOnHost(), 1e-6 * Math.abs(tensorOps.valueOnHost()));
        }
    }

    @Test
    void cpuFusedRefusesTensorsWithoutHostMemory() {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Tensor matrix = arena.zeros(BATCH, 2);
            Tensor column = arena.own(matrix.select(1, 0));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RegressionLoss(arena,
                RegressionLoss.Kind.MSE, 1, column, arena.zeros(BATCH), null, arena.zeros(BATCH), BATCH,
                Kernels.CPU_FUSED));
            assertTrue(e.getMessage().contains("prediction"), e.getMessage());
        }
    }
}

package io.rltrader.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.Rng;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hand-written quantile Huber loss and its gradient against the term-by-term autograd reference. */
class QuantileHuberLossParityTest {
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "N={1} N'={2} perRowTaus={3} weights={4} kappa={5}")
    @CsvSource({
        "8, 5, 5, false, false, 1.0",
        "8, 5, 7, false, true, 1.0",
        "6, 4, 9, true, false, 1.0",
        "6, 6, 3, true, true, 0.5",
        "5, 51, 51, false, false, 2.0"})
    void lossAndGradientMatchAutograd(int batch, int n, int nTarget, boolean perRowTaus, boolean weighted,
                                      double kappa) {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Rng rng = new Rng(31 + n);
            Tensor theta = arena.zeros(batch, n);
            Tensor target = arena.zeros(batch, nTarget);
            Tensor taus = perRowTaus ? arena.zeros(batch, n) : arena.zeros(n);
            Tensor weights = weighted ? arena.zeros(batch) : null;
            Tensor gradTheta = arena.zeros(batch, n);
            // Spread of 2 around kappa's scale, so both Huber branches and both signs of u occur.
            Autograd.fillGaussian(arena, theta, rng, 2.0);
            Autograd.fillGaussian(arena, target, rng, 2.0);
            float[] tauValues = new float[(int) taus.numel()];
            for (int i = 0; i < tauValues.length; i++) {
                tauValues[i] = perRowTaus ? rng.nextFloat() : (2f * i + 1f) / (2f * n);
            }
            arena.upload(taus, tauValues, taus.numel());
            if (weights != null) {
                float[] w = new float[batch];
                for (int i = 0; i < batch; i++) {
                    w[i] = 0.2f + rng.nextFloat();
                }
                arena.upload(weights, w, batch);
            }
            QuantileHuberLoss loss = new QuantileHuberLoss(arena, theta, taus, target, weights, gradTheta, kappa);
            loss.compute();

            Tensor thetaRef = Autograd.leaf(theta);
            QuantileReference.Loss reference = QuantileReference.quantileHuber(thetaRef, Autograd.constant(taus),
                Autograd.constant(target), weights == null ? null : Autograd.constant(weights), kappa);
            reference.mean().backward();

            assertClose("loss", new float[] {loss.valueOnHost()}, Autograd.read(reference.mean()));
            assertClose("per-sample loss", Autograd.read(loss.perSample()), Autograd.read(reference.perSample()));
            assertClose("gradient", Autograd.read(gradTheta), Autograd.read(thetaRef.grad()));
        }
    }

    @Test
    void perfectQuantilesOfATwoPointTargetHaveZeroGradient() {
        // theta = 1/2 is the median of the targets {0, 1}: u = -1/2 and 1/2 pull equally with tau = 1/2.
        try (DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Tensor theta = arena.full(0.5, 1, 1);
            Tensor taus = arena.full(0.5, 1);
            Tensor target = arena.zeros(1, 2);
            arena.upload(target, new float[] {0f, 1f}, 1, 2);
            Tensor grad = arena.zeros(1, 1);
            QuantileHuberLoss loss = new QuantileHuberLoss(arena, theta, taus, target, null, grad, 1.0);
            loss.compute();
            assertEquals(0f, Autograd.read(grad)[0], 1e-7);
            // rho = |1/2 - 1{u<0}| huber(1/2) = 1/2 * 1/8 for each target sample.
            assertEquals(0.0625f, loss.valueOnHost(), 1e-7);
        }
    }

    static void assertClose(String what, float[] actual, float[] expected) {
        double error = Autograd.maxRelativeError(actual, expected, 1e-3);
        assertTrue(error < TOLERANCE, what + ": max relative error " + error);
    }
}

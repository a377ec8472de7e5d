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
            float[] expected = Autograd.read(thetaRef.grad());
            float[] scale = termScale(batch, Autograd.read(theta), tauValues, perRowTaus, Autograd.read(target),
                weights == null ? null : Autograd.read(weights), kappa);
            float[] actual = Autograd.read(gradTheta);
            double worst = 0;
            for (int i = 0; i < actual.length; i++) {
                worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), scale[i]));
            }
            assertTrue(worst < TOLERANCE, "gradient: max error " + worst + " relative to the terms' magnitude");
        }
    }

    /**
     * Each gradient element's sum of absolute terms, {@code w_b / (B N' kappa) sum_j |tau_i - 1{u < 0}| |c|},
     * in double. An element is a sum of N' terms of both signs, so its rounding error in float is a
     * multiple of float's epsilon times this sum, not times the element: where the terms nearly cancel
     * (a quantile near its target's tau-quantile) any summation order is off by more than 1e-5 of the
     * small result, the reference's as well as ours. A wrong weight, sign or scale is off by the order
     * of this sum itself.
     */
    private static float[] termScale(int batch, float[] theta, float[] taus, boolean perRowTaus, float[] target,
                                     float[] weights, double kappa) {
        int n = theta.length / batch;
        int nTarget = target.length / batch;
        float[] scale = new float[theta.length];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                double tau = taus[perRowTaus ? b * n + i : i];
                double sum = 0;
                for (int j = 0; j < nTarget; j++) {
                    double u = (double) target[b * nTarget + j] - theta[b * n + i];
                    sum += Math.abs(tau - (u < 0 ? 1 : 0)) * Math.min(Math.abs(u), kappa);
                }
                double w = weights == null ? 1 : weights[b];
                scale[b * n + i] = (float) (w * sum / ((double) batch * nTarget * kappa));
            }
        }
        return scale;
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

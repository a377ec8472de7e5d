package io.rltrader.nn;

import static io.rltrader.nn.DenseParityTest.assertClose;

import io.rltrader.util.Rng;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
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
    @CsvSource({"MSE, 1, false", "MSE, 1, true", "HUBER, 1, false", "HUBER, 1, true", "HUBER, 2, false",
        "HUBER, 2, true"})
    void lossAndGradientMatchAutograd(RegressionLoss.Kind kind, double delta, boolean weighted) {
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
                BATCH);
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
}

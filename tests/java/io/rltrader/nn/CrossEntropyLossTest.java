package io.rltrader.nn;

import static io.rltrader.nn.DenseParityTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.Rng;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hand-written softmax cross-entropy against LibTorch's log_softmax / cross_entropy under autograd. */
class CrossEntropyLossTest {
    private static final int BATCH = 9;
    private static final int CLASSES = 5;

    /** Logits, one-hot targets and weights for one case; {@code offset} shifts alternate rows by +/- offset. */
    private record Case(DeviceTensors arena, Tensor logits, Tensor oneHot, Tensor targetIndices, Tensor weights,
                        Tensor gradLogits, CrossEntropyLoss loss) {
        static Case of(DeviceTensors arena, boolean weighted, double offset, long seed) {
            Rng rng = new Rng(seed);
            Tensor logits = arena.zeros(BATCH, CLASSES);
            float[] z = new float[BATCH * CLASSES];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) (3 * rng.nextGaussian() + ((i / CLASSES) % 2 == 0 ? offset : -offset));
            }
            arena.upload(logits, z, BATCH, CLASSES);
            int[] targets = new int[BATCH];
            Tensor targetIndices = arena.zerosLong(BATCH);
            for (int b = 0; b < BATCH; b++) {
                targets[b] = rng.nextInt(CLASSES);
                arena.host(targetIndices).putLong(b * Long.BYTES, targets[b]);
            }
            Tensor oneHot = arena.zeros(BATCH, CLASSES);
            oneHot.fill_(NativeConstants.HALF);
            CrossEntropyLoss.writeOneHot(arena.host(oneHot), targets, CLASSES);
            Tensor weights = null;
            if (weighted) {
                // Signed, as advantages are in a policy gradient.
                weights = arena.zeros(BATCH);
                Autograd.fillGaussian(arena, weights, rng, 1.0);
            }
            Tensor gradLogits = arena.zeros(BATCH, CLASSES);
            gradLogits.fill_(NativeConstants.ONE);
            CrossEntropyLoss loss = new CrossEntropyLoss(arena, logits, oneHot, weights, gradLogits, BATCH, CLASSES);
            return new Case(arena, logits, oneHot, targetIndices, weights, gradLogits, loss);
        }
    }

    @ParameterizedTest
    @CsvSource({"false, 0", "true, 0", "false, 1000", "true, 1000"})
    void lossGradientAndSoftmaxMatchFloat64Autograd(boolean weighted, double offset) {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Case c = Case.of(arena, weighted, offset, 17);
            c.loss().compute();

            Tensor z = Autograd.leaf64(c.logits());
            Tensor logp = torch.log_softmax(z, 1);
            Tensor nll = torch.sum(logp.mul(Autograd.constant64(c.oneHot())), new long[] {1}, false,
                new ScalarTypeOptional()).neg();
            Tensor perSample = weighted ? nll.mul(Autograd.constant64(c.weights())) : nll;
            Tensor loss = perSample.mean();
            loss.backward();

            for (float v : Autograd.read(c.gradLogits())) {
                assertTrue(Float.isFinite(v), "finite gradient at logits of " + offset);
            }
            assertClose("loss", new float[] {c.loss().valueOnHost()}, Autograd.read(loss));
            assertClose("per-sample loss", Autograd.read(c.loss().sampleLoss()), Autograd.read(perSample));
            assertClose("gradient", Autograd.read(c.gradLogits()), Autograd.read(z.grad()));
            assertClose("log-softmax", Autograd.read(c.loss().logProbabilities()), Autograd.read(logp));
            assertClose("softmax", Autograd.read(c.loss().probabilities()), Autograd.read(logp.exp()));
            assertClose("logsumexp", Autograd.read(c.loss().logSumExp()), Autograd.read(torch.logsumexp(z, 1)));
        }
    }

    @ParameterizedTest
    @CsvSource({"0", "1000"})
    void unweightedMatchesTorchCrossEntropyWithClassIndices(double offset) {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Case c = Case.of(arena, false, offset, 29);
            c.loss().compute();
            Tensor z = Autograd.leaf(c.logits());
            Tensor loss = torch.cross_entropy_loss(z, Autograd.constant(c.targetIndices()));
            loss.backward();
            assertClose("loss", new float[] {c.loss().valueOnHost()}, Autograd.read(loss));
            assertClose("gradient", Autograd.read(c.gradLogits()), Autograd.read(z.grad()));
        }
    }

    @Test
    void uniformLogitsGiveLogK() {
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Tensor logits = arena.full(1000.0, 2, 4);
            Tensor oneHot = arena.zeros(2, 4);
            CrossEntropyLoss.writeOneHot(arena.host(oneHot), new int[] {0, 3}, 4);
            Tensor grad = arena.zeros(2, 4);
            CrossEntropyLoss loss = new CrossEntropyLoss(arena, logits, oneHot, null, grad, 2, 4);
            loss.compute();
            assertEquals(Math.log(4), loss.valueOnHost(), 1e-6);
            float[] g = Autograd.read(grad);
            assertEquals((0.25 - 1) / 2, g[0], 1e-7);
            assertEquals(0.25 / 2, g[1], 1e-7);
            assertEquals(1000 + Math.log(4), Autograd.read(loss.logSumExp())[1], 1e-4);
        }
    }

    @Test
    void writeOneHotRejectsAClassOutOfRange() {
        try (DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Tensor oneHot = arena.zeros(2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropyLoss.writeOneHot(arena.host(oneHot), new int[] {1, 3}, 3));
            assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        }
    }
}

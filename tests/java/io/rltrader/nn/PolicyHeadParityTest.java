package io.rltrader.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * The categorical and diagonal Gaussian heads: log-probabilities, entropies and their gradients
 * (for arbitrary upstream gradients) against LibTorch autograd in float64; sampling in Java against
 * the distributions it claims to draw from.
 */
class PolicyHeadParityTest {
    private static final int BATCH = 9;

    @Test
    void categoricalMatchesAutograd() {
        int classes = 4;
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Rng rng = new Rng(3);
            Tensor logits = arena.zeros(BATCH, classes);
            Tensor gradLogits = arena.zeros(BATCH, classes);
            Tensor gradLogProb = arena.zeros(BATCH);
            Tensor gradEntropy = arena.zeros(BATCH);
            Autograd.fillGaussian(arena, logits, rng, 2.0);
            Autograd.fillGaussian(arena, gradLogProb, rng, 1.0);
            Autograd.fillGaussian(arena, gradEntropy, rng, 1.0);
            Tensor actions = arena.zerosLong(BATCH, 1);
            for (int b = 0; b < BATCH; b++) {
                arena.host(actions).putLong(b * 8, rng.nextInt(classes));
            }
            CategoricalHead head = new CategoricalHead(arena, logits, gradLogits, gradLogProb, gradEntropy, BATCH,
                classes);
            head.setActions(actions);
            head.compute();
            head.backward();

            Tensor z = Autograd.leaf64(logits);
            Tensor logp = torch.log_softmax(z, 1);
            Tensor taken = logp.gather(1, actions).view(-1);
            Tensor entropy = logp.exp().mul(logp).sum(1).neg();
            taken.mul(Autograd.constant64(gradLogProb)).sum().add(entropy.mul(Autograd.constant64(gradEntropy)).sum())
                .backward();
            assertClose(Autograd.read(head.logProb()), Autograd.read(taken), "log-prob");
            assertClose(Autograd.read(head.entropy()), Autograd.read(entropy), "entropy");
            assertClose(Autograd.read(gradLogits), Autograd.read(z.grad()), "logits gradient");
        }
    }

    @Test
    void gaussianMatchesAutograd() {
        int dim = 3;
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Rng rng = new Rng(4);
            ParameterSet.Builder builder = ParameterSet.builder();
            ParameterSet.Parameter logStd = builder.add("log_std", ParameterSet.Initializer.uniform(-1, 0.5), dim);
            ParameterSet parameters = builder.build(arena, rng);
            Tensor mean = arena.zeros(BATCH, dim);
            Tensor actions = arena.zeros(BATCH, dim);
            Tensor gradMean = arena.zeros(BATCH, dim);
            Tensor gradLogProb = arena.zeros(BATCH);
            Tensor gradEntropy = arena.zeros(BATCH);
            Autograd.fillGaussian(arena, mean, rng, 1.0);
            Autograd.fillGaussian(arena, actions, rng, 1.5);
            Autograd.fillGaussian(arena, gradLogProb, rng, 1.0);
            Autograd.fillGaussian(arena, gradEntropy, rng, 1.0);
            DiagonalGaussianHead head = new DiagonalGaussianHead(arena, mean, logStd, actions, gradMean, gradLogProb,
                gradEntropy, BATCH, dim);
            head.compute();
            head.backward();

            Tensor mu = Autograd.leaf64(mean);
            Tensor ls = Autograd.leaf64(logStd.value());
            Tensor zScore = Autograd.constant64(actions).sub(mu).div(ls.exp());
            double halfLog2Pi = 0.5 * Math.log(2 * Math.PI);
            Tensor logp = zScore.square().mul(new Scalar(-0.5)).sub(ls).sub(new Scalar(halfLog2Pi)).sum(1);
            Tensor entropy = ls.add(new Scalar(0.5 + halfLog2Pi)).sum().expand(BATCH);
            logp.mul(Autograd.constant64(gradLogProb)).sum().add(entropy.mul(Autograd.constant64(gradEntropy)).sum())
                .backward();
            assertClose(Autograd.read(head.logProb()), Autograd.read(logp), "log-prob");
            assertClose(Autograd.read(head.entropy()), Autograd.read(entropy), "entropy");
            assertClose(Autograd.read(gradMean), Autograd.read(mu.grad()), "mean gradient");
            assertClose(Autograd.read(logStd.gradient()), Autograd.read(ls.grad()), "log_std gradient");
            assertEquals(parameters.size(), dim);
        }
    }

    @Test
    void categoricalSamplesFollowTheSoftmax() {
        UnsafeBuffer logits = OffHeap.allocate(3 * 4);
        float[] z = {0.5f, -1f, 1.2f};
        double norm = 0;
        for (float v : z) {
            norm += Math.exp(v);
        }
        for (int k = 0; k < 3; k++) {
            logits.putFloat(k * 4, z[k]);
        }
        UnsafeBuffer logProb = OffHeap.allocate(4);
        Rng rng = new Rng(8);
        int[] counts = new int[3];
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            int a = CategoricalHead.sample(logits, 0, 3, rng, logProb);
            counts[a]++;
            assertEquals(z[a] - Math.log(norm), logProb.getFloat(0), 1e-6);
        }
        for (int k = 0; k < 3; k++) {
            double p = Math.exp(z[k]) / norm;
            double sd = Math.sqrt(p * (1 - p) / n);
            assertTrue(Math.abs(counts[k] / (double) n - p) < 5 * sd, "class " + k + ": " + counts[k] + " of " + n);
        }
    }

    @Test
    void gaussianSamplesHaveTheirMeanAndSpreadAndAreClippedOnlyForTheEnv() {
        UnsafeBuffer means = OffHeap.allocate(4);
        means.putFloat(0, 0.7f);
        UnsafeBuffer logStd = OffHeap.allocate(4);
        logStd.putFloat(0, (float) Math.log(0.5));
        UnsafeBuffer raw = OffHeap.allocate(4);
        UnsafeBuffer clipped = OffHeap.allocate(4);
        UnsafeBuffer logProb = OffHeap.allocate(4);
        Rng rng = new Rng(9);
        int n = 100_000;
        double sum = 0;
        double sumSq = 0;
        int outside = 0;
        for (int i = 0; i < n; i++) {
            DiagonalGaussianHead.sample(means, 0, 1, logStd, 0, rng, raw, clipped, logProb);
            float a = raw.getFloat(0);
            sum += a;
            sumSq += a * a;
            if (a > 1) {
                outside++;
                assertEquals(1f, clipped.getFloat(0));
            } else {
                assertEquals(Math.max(-1f, a), clipped.getFloat(0));
            }
            double zScore = (a - 0.7) / 0.5;
            double expected = -0.5 * zScore * zScore - Math.log(0.5) - 0.5 * Math.log(2 * Math.PI);
            assertEquals(expected, logProb.getFloat(0), 1e-4);
        }
        double mean = sum / n;
        double sd = Math.sqrt(sumSq / n - mean * mean);
        assertEquals(0.7, mean, 0.01);
        assertEquals(0.5, sd, 0.01);
        assertTrue(outside > 0, "some samples exceed the action bound and are stored unclipped");
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        double error = Autograd.maxRelativeError(actual, expected, 1e-3);
        assertTrue(error < 1e-5, what + ": max relative error " + error);
    }
}

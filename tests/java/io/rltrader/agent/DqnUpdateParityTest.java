package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.Kernels;
import io.rltrader.nn.ParameterSet;
import io.rltrader.util.Rng;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole DQN update (targets, loss, hand-written backward, clipping, Adam) against a reference
 * built from LibTorch autograd for the gradients and a double-precision Java Adam and clip.
 */
class DqnUpdateParityTest {
    private static final int OBS = 5;
    private static final int ACTIONS = 3;
    private static final int BATCH = 8;

    @ParameterizedTest(name = "double={0} dueling={1} loss={2} clip={3} kernels={4}")
    @CsvSource({
        "false, false, mse, 1.0, CPU_FUSED",
        "false, false, huber, 0, CPU_FUSED",
        "true, false, huber, 0.5, CPU_FUSED",
        "false, true, mse, 0, CPU_FUSED",
        "true, true, huber, 1.0, CPU_FUSED",
        "false, false, mse, 1.0, TENSOR_OPS",
        "false, false, huber, 0, TENSOR_OPS",
        "true, false, huber, 0.5, TENSOR_OPS",
        "false, true, mse, 0, TENSOR_OPS",
        "true, true, huber, 1.0, TENSOR_OPS"})
    void updateMatchesAutogradReference(boolean doubleQ, boolean dueling, String loss, double clip, Kernels kernels) {
        DqnAgent.Config base = DqnAgent.Config.defaults();
        DqnAgent.Config config = new DqnAgent.Config(new int[] {16, 12}, doubleQ, dueling, 3e-3, 0.9, 100, BATCH, 0, 1,
            1, 1000, 1.0, "linear", 1, 0.05, 0.5, 0.99, loss, 1.0, clip, 1, false, 0.6, 0.4, 17);
        try (PointerScope scope = new PointerScope();
             DqnAgent agent = new DqnAgent(OBS, ACTIONS, config, ComputeDevice.CPU, kernels)) {
            fillBatch(agent.batch(), new Rng(99));
            ParameterSet online = agent.onlineParameters();
            ParameterSet target = agent.targetParameters();
            double[] weights = ReferenceUpdate.toDouble(online.toArray());
            double[] targetWeights = ReferenceUpdate.toDouble(target.toArray());
            double[] m = new double[weights.length];
            double[] v = new double[weights.length];
            for (int step = 1; step <= 3; step++) {
                double[] gradient = referenceGradient(agent, online, weights, targetWeights, config);
                ReferenceUpdate.clip(gradient, clip);
                ReferenceUpdate.adam(weights, gradient, m, v, step, config.learningRate());
                agent.update();
                float[] actual = online.toArray();
                double worst = 0;
                for (int i = 0; i < weights.length; i++) {
                    worst = Math.max(worst, Math.abs(actual[i] - weights[i]) / Math.max(Math.abs(weights[i]), 1e-3));
                }
                assertTrue(worst < 1e-5, "step " + step + ": max relative weight error " + worst);
            }
        }
    }

    /** d loss / d weights by autograd at the given flat weights, with the same batch. */
    private static double[] referenceGradient(DqnAgent agent, ParameterSet layout, double[] weights,
                                              double[] targetWeights, DqnAgent.Config config) {
        TransitionBatch batch = agent.batch();
        Map<String, Tensor> leaves = ReferenceUpdate.tensors(layout, weights, true);
        Map<String, Tensor> frozen = ReferenceUpdate.tensors(layout, targetWeights, false);
        Tensor obs = batch.observations().detach().clone();
        Tensor next = batch.nextObservations().detach().clone();
        Tensor q = forward(leaves, obs, config.dueling());
        Tensor qTaken = q.gather(1, batch.actions().view(BATCH, 1)).view(BATCH);
        Tensor nextQ = forward(frozen, next, config.dueling());
        Tensor nextValue;
        if (config.doubleQ()) {
            Tensor greedy = forward(ReferenceUpdate.tensors(layout, weights, false), next, config.dueling()).argmax(
                new org.bytedeco.pytorch.LongOptional(1), true);
            nextValue = nextQ.gather(1, greedy).view(BATCH);
        } else {
            nextValue = nextQ.amax(new long[] {1}, false);
        }
        Tensor y = batch.rewards().add(batch.discounts().mul(nextValue)).detach();
        Tensor lossValue = config.loss().equals("mse") ? torch.mse_loss(qTaken, y) : torch.huber_loss(qTaken, y);
        lossValue.backward();
        double[] gradient = new double[weights.length];
        for (ParameterSet.Parameter p : layout.parameters()) {
            float[] g = ReferenceUpdate.read(leaves.get(p.name()).grad());
            for (int i = 0; i < g.length; i++) {
                gradient[(int) p.offset() + i] = g[i];
            }
        }
        return gradient;
    }

    private static Tensor forward(Map<String, Tensor> w, Tensor x, boolean dueling) {
        if (!dueling) {
            Tensor h = x;
            for (int i = 0; w.containsKey("q." + i + ".weight"); i++) {
                h = torch.addmm(w.get("q." + i + ".bias"), h, w.get("q." + i + ".weight").t());
                if (w.containsKey("q." + (i + 1) + ".weight")) {
                    h = torch.relu(h);
                }
            }
            return h;
        }
        Tensor features = torch.relu(torch.addmm(w.get("q.features.0.bias"), x, w.get("q.features.0.weight").t()));
        Tensor value = stream(w, "q.value", features);
        Tensor advantage = stream(w, "q.advantage", features);
        return value.add(advantage.sub(advantage.mean(new long[] {1}, true, new ScalarTypeOptional())));
    }

    private static Tensor stream(Map<String, Tensor> w, String prefix, Tensor x) {
        Tensor h = torch.relu(torch.addmm(w.get(prefix + ".0.bias"), x, w.get(prefix + ".0.weight").t()));
        return torch.addmm(w.get(prefix + ".1.bias"), h, w.get(prefix + ".1.weight").t());
    }

    static void fillBatch(TransitionBatch batch, Rng rng) {
        for (int i = 0; i < BATCH * OBS; i++) {
            batch.observationsMemory().putFloat(i * 4, (float) rng.nextGaussian());
            batch.nextObservationsMemory().putFloat(i * 4, (float) rng.nextGaussian());
        }
        for (int i = 0; i < BATCH; i++) {
            batch.actionsMemory().putLong(i * 8, rng.nextInt(ACTIONS));
            batch.rewardsMemory().putFloat(i * 4, (float) (2 * rng.nextGaussian()));
            batch.discountsMemory().putFloat(i * 4, i % 3 == 0 ? 0f : 0.9f);
            batch.weightsMemory().putFloat(i * 4, 1f);
        }
    }
}

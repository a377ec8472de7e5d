package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.Kernels;
import io.rltrader.nn.ParameterSet;
import io.rltrader.nn.QuantileReference;
import io.rltrader.util.Rng;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole QR-DQN update (target quantiles at the greedy next action, quantile Huber loss,
 * hand-written backward, clipping, Adam) against autograd gradients of the loss written with torch
 * ops (gather, argmax, the term-by-term loss) and a double-precision Java Adam and clip.
 */
class QrDqnUpdateParityTest {
    private static final int OBS = 5;
    private static final int ACTIONS = 3;
    private static final int BATCH = 8;
    private static final int QUANTILES = 7;

    @ParameterizedTest(name = "double={0} kappa={1} clip={2} prioritized={3} kernels={4}")
    @CsvSource({
        "false, 1.0, 0, false, CPU_FUSED",
        "true, 1.0, 0.5, false, CPU_FUSED",
        "false, 0.5, 1.0, true, CPU_FUSED",
        "true, 2.0, 0, true, CPU_FUSED",
        "false, 1.0, 0, false, TENSOR_OPS",
        "true, 1.0, 0.5, false, TENSOR_OPS",
        "false, 0.5, 1.0, true, TENSOR_OPS",
        "true, 2.0, 0, true, TENSOR_OPS"})
    void updateMatchesAutogradReference(boolean doubleQ, double kappa, double clip, boolean prioritized,
                                        Kernels kernels) {
        QrDqnAgent.Config config = new QrDqnAgent.Config(new int[] {16, 12}, QUANTILES, kappa, doubleQ, 3e-3, 0.9,
            100, BATCH, 0, 1, 1, 1000, 1.0, "linear", 1, 0.05, 0.5, 0.99, clip, 1, prioritized, 0.6, 0.4, 17);
        try (PointerScope scope = new PointerScope();
             QrDqnAgent agent = new QrDqnAgent(OBS, ACTIONS, config, ComputeDevice.CPU, kernels)) {
            ReferenceUpdate.fillBatch(agent.batch(), new Rng(99), ACTIONS);
            ParameterSet online = agent.onlineParameters();
            double[] weights = ReferenceUpdate.toDouble(online.toArray());
            double[] targetWeights = ReferenceUpdate.toDouble(agent.targetParameters().toArray());
            double[] m = new double[weights.length];
            double[] v = new double[weights.length];
            for (int step = 1; step <= 3; step++) {
                double[] gradient = referenceGradient(agent.batch(), online, weights, targetWeights, config);
                ReferenceUpdate.clip(gradient, clip);
                ReferenceUpdate.adam(weights, gradient, m, v, step, config.learningRate());
                agent.update();
                double worst = ReferenceUpdate.worstRelativeError(online.toArray(), weights);
                assertTrue(worst < 1e-5, "step " + step + ": max relative weight error " + worst);
            }
        }
    }

    private static double[] referenceGradient(TransitionBatch batch, ParameterSet layout, double[] weights,
                                              double[] targetWeights, QrDqnAgent.Config config) {
        Map<String, Tensor> leaves = ReferenceUpdate.tensors(layout, weights, true);
        Tensor obs = batch.observations().detach().clone();
        Tensor next = batch.nextObservations().detach().clone();
        Tensor quantiles = ReferenceUpdate.mlp(leaves, "q", obs).view(BATCH, ACTIONS, QUANTILES);
        Tensor taken = quantiles.gather(1, actionIndex(batch.actions().view(BATCH, 1))).view(BATCH, QUANTILES);
        Tensor nextQuantiles = ReferenceUpdate.mlp(ReferenceUpdate.tensors(layout, targetWeights, false), "q", next)
            .view(BATCH, ACTIONS, QUANTILES);
        Tensor chooser = config.doubleQ()
            ? ReferenceUpdate.mlp(ReferenceUpdate.tensors(layout, weights, false), "q", next)
                .view(BATCH, ACTIONS, QUANTILES)
            : nextQuantiles;
        Tensor greedy = chooser.mean(new long[] {2}, false, new ScalarTypeOptional()).argmax(new LongOptional(1), true);
        Tensor atGreedy = nextQuantiles.gather(1, actionIndex(greedy)).view(BATCH, QUANTILES);
        Tensor target = batch.rewards().view(BATCH, 1).add(batch.discounts().view(BATCH, 1).mul(atGreedy)).detach();
        Tensor taus = torch.tensor(QrDqnAgent.fixedTaus(QUANTILES));
        QuantileReference.quantileHuber(taken, taus, target,
            config.prioritized() ? batch.weights().detach().clone() : null, config.kappa()).mean().backward();
        return ReferenceUpdate.gradients(layout, leaves);
    }

    /** [B, 1] action indices as gather indices over [B, A, N]. */
    private static Tensor actionIndex(Tensor actions) {
        return actions.view(BATCH, 1, 1).expand(BATCH, 1, QUANTILES);
    }
}

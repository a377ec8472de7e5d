package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.memory.TransitionBatch;
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
 * The whole IQN update (sampled fractions, target quantiles at the greedy next action, quantile
 * Huber loss with per-sample fractions, hand-written backward through the head, the product
 * psi(s) * phi(tau), the cosine embedding and the state encoder, clipping, Adam) against autograd
 * gradients of the network and loss written with torch ops (broadcast product, gather, argmax, the
 * term-by-term loss) at the fractions the agent drew, and a double-precision Java Adam and clip.
 */
class IqnUpdateParityTest {
    private static final int OBS = 5;
    private static final int ACTIONS = 3;
    private static final int BATCH = 8;
    private static final int COSINES = 6;
    private static final int WIDTH = 16;

    @ParameterizedTest(name = "double={0} N={1} N'={2} kappa={3} clip={4} prioritized={5}")
    @CsvSource({
        "false, 7, 5, 1.0, 0, false",
        "true, 4, 9, 1.0, 0.5, false",
        "false, 6, 6, 0.5, 1.0, true",
        "true, 5, 3, 2.0, 0, true"})
    void updateMatchesAutogradReference(boolean doubleQ, int n, int nTarget, double kappa, double clip,
                                        boolean prioritized) {
        IqnAgent.Config config = new IqnAgent.Config(new int[] {WIDTH, 12}, COSINES, n, nTarget, 4, kappa, doubleQ,
            3e-3, 0.9, 100, BATCH, 0, 1, 1, 1000, 1.0, "linear", 1, 0.05, 0.5, 0.99, clip, 1, prioritized, 0.6, 0.4,
            17);
        try (PointerScope scope = new PointerScope(); IqnAgent agent = new IqnAgent(OBS, ACTIONS, config)) {
            ReferenceUpdate.fillBatch(agent.batch(), new Rng(99), ACTIONS);
            ParameterSet online = agent.onlineParameters();
            double[] weights = ReferenceUpdate.toDouble(online.toArray());
            double[] targetWeights = ReferenceUpdate.toDouble(agent.targetParameters().toArray());
            double[] m = new double[weights.length];
            double[] v = new double[weights.length];
            for (int step = 1; step <= 3; step++) {
                agent.update();
                // The reference runs after the update, at the fractions it drew, from the pre-update weights.
                double[] gradient = referenceGradient(agent.batch(), online, weights, targetWeights, config,
                    agent.lastOnlineTaus(), agent.lastTargetTaus());
                ReferenceUpdate.clip(gradient, clip);
                ReferenceUpdate.adam(weights, gradient, m, v, step, config.learningRate());
                double worst = ReferenceUpdate.worstRelativeError(online.toArray(), weights);
                assertTrue(worst < 1e-5, "step " + step + ": max relative weight error " + worst);
            }
        }
    }

    /** Z_tau(s, a) for every sample's fractions: [rows, perRow, A]. */
    static Tensor quantiles(Map<String, Tensor> w, Tensor observations, float[] taus, int perRow) {
        long rows = observations.size(0);
        Tensor state = torch.relu(ReferenceUpdate.mlp(w, "state", observations));
        Tensor cosines = QuantileReference.cosineFeatures(torch.tensor(taus), COSINES);
        Tensor embedding = torch.relu(torch.addmm(w.get("embedding.bias"), cosines, w.get("embedding.weight").t()));
        Tensor product = state.view(rows, 1, WIDTH).mul(embedding.view(rows, perRow, WIDTH));
        return ReferenceUpdate.mlp(w, "head", product.view(rows * perRow, WIDTH)).view(rows, perRow, ACTIONS);
    }

    private static double[] referenceGradient(TransitionBatch batch, ParameterSet layout, double[] weights,
                                              double[] targetWeights, IqnAgent.Config config, float[] onlineTaus,
                                              float[] targetTaus) {
        int n = config.quantiles();
        int nTarget = config.targetQuantiles();
        Map<String, Tensor> leaves = ReferenceUpdate.tensors(layout, weights, true);
        Tensor obs = batch.observations().detach().clone();
        Tensor next = batch.nextObservations().detach().clone();
        Tensor taken = quantiles(leaves, obs, onlineTaus, n)
            .gather(2, batch.actions().view(BATCH, 1, 1).expand(BATCH, n, 1)).view(BATCH, n);
        Tensor nextQuantiles = quantiles(ReferenceUpdate.tensors(layout, targetWeights, false), next, targetTaus,
            nTarget);
        Tensor chooser = config.doubleQ()
            ? quantiles(ReferenceUpdate.tensors(layout, weights, false), next, targetTaus, nTarget)
            : nextQuantiles;
        Tensor greedy = chooser.mean(new long[] {1}, false, new ScalarTypeOptional()).argmax(new LongOptional(1), true);
        Tensor atGreedy = nextQuantiles.gather(2, greedy.view(BATCH, 1, 1).expand(BATCH, nTarget, 1))
            .view(BATCH, nTarget);
        Tensor target = batch.rewards().view(BATCH, 1).add(batch.discounts().view(BATCH, 1).mul(atGreedy)).detach();
        Tensor taus = torch.tensor(onlineTaus).view(BATCH, n);
        QuantileReference.quantileHuber(taken, taus, target,
            config.prioritized() ? batch.weights().detach().clone() : null, config.kappa()).mean().backward();
        return ReferenceUpdate.gradients(layout, leaves);
    }
}

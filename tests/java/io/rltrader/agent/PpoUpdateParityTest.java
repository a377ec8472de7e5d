package io.rltrader.agent;

import static io.rltrader.agent.PolicyGradientReference.clamp;
import static io.rltrader.agent.PolicyGradientReference.double64;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.memory.RolloutMinibatch;
import io.rltrader.util.Rng;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gradient of PPO's whole minibatch loss (clipped surrogate + value loss + entropy bonus) with
 * respect to every parameter, against LibTorch autograd in float64 on the same weights and samples.
 */
class PpoUpdateParityTest {
    private static final int OBS = 5;
    private static final int ENVS = 4;
    private static final int STEPS = 6;
    private static final int BATCH = 12;

    @ParameterizedTest(name = "continuous={0} shared={1} activation={2} clipVf={3} normalize={4}")
    @CsvSource({
        "false, false, tanh, 0, true",
        "false, true, relu, 0.3, true",
        "false, false, relu, 0.2, false",
        "true, false, tanh, 0, true",
        "true, true, tanh, 0.25, true",
        "true, false, relu, 0, false"})
    void minibatchGradientMatchesAutograd(boolean continuous, boolean shared, String activation, double clipVf,
                                          boolean normalize) {
        int actionSize = continuous ? 2 : 3;
        PpoAgent.Config config = new PpoAgent.Config(List.of(16, 12), activation, shared, 3e-3, false, STEPS, BATCH,
            4, 0.9, 0.95, 0.2, clipVf, normalize, 0.05, 0.7, 0, 0, -0.3, 1e-5, 17);
        try (PointerScope scope = new PointerScope();
             PpoAgent agent = continuous ? PpoAgent.continuous(OBS, actionSize, ENVS, config)
                 : PpoAgent.discrete(OBS, actionSize, ENVS, config)) {
            Rng rng = new Rng(5);
            RolloutMinibatch batch = agent.minibatch();
            PolicyGradientReference.fillMinibatch(batch, actionSize, continuous, rng);
            Map<String, Tensor> w = PolicyGradientReference.leaves(agent.parameters());
            Tensor[] heads = forward(w, batch, continuous, shared, activation);
            PolicyGradientReference.setOldLogProbs(batch, heads[0], rng, 0.4);

            agent.computeLossAndGradients();
            float[] actual = agent.parameters().gradientsToArray();

            Tensor loss = referenceLoss(w, batch, config, continuous, shared);
            loss.backward();
            float[] expected = PolicyGradientReference.gradient(agent.parameters(), w);
            double scale = 0;
            for (float g : expected) {
                scale = Math.max(scale, Math.abs(g));
            }
            assertTrue(scale > 0, "reference gradient is zero");
            // Per parameter tensor, ||hand - autograd|| / ||autograd||; and per element relative to
            // max(|g_i|, 1% of max |g|), where float32 rounding in small entries is looser.
            double tensorError = PolicyGradientReference.maxTensorRelativeError(agent.parameters(), actual, expected);
            double elementError = PolicyGradientReference.maxRelativeError(actual, expected, 1e-2 * scale);
            System.out.printf("ppo parity continuous=%s shared=%s clipVf=%s: relative gradient error per tensor %.2e,"
                + " per element %.2e%n", continuous, shared, clipVf, tensorError, elementError);
            assertTrue(tensorError < 1e-5, "relative gradient error of a parameter tensor " + tensorError);
            assertTrue(elementError < 3e-5, "max relative gradient error " + elementError + " (max |g| " + scale + ")");
            double clipFraction = PolicyGradientReference.read(referenceClipFraction(w, batch, continuous, shared,
                activation, config.clipRange()))[0];
            assertTrue(clipFraction > 0 && clipFraction < 1, "ratios should straddle the clip range, got fraction "
                + clipFraction);
        }
    }

    private static Tensor[] forward(Map<String, Tensor> w, RolloutMinibatch batch, boolean continuous, boolean shared,
                                    String activation) {
        Tensor[] out = PolicyGradientReference.actorCritic(w, double64(batch.observations()), shared,
            activation.equals("relu"));
        Tensor[] head = continuous
            ? PolicyGradientReference.gaussian(out[0], w.get("log_std"), double64(batch.actions()))
            : PolicyGradientReference.categorical(out[0], batch.actions().detach().clone());
        return new Tensor[] {head[0], head[1], out[1]};
    }

    private static Tensor referenceLoss(Map<String, Tensor> w, RolloutMinibatch batch, PpoAgent.Config config,
                                        boolean continuous, boolean shared) {
        Tensor[] f = forward(w, batch, continuous, shared, config.activation());
        Tensor advantages = double64(batch.advantages());
        if (config.normalizeAdvantage()) {
            advantages = PolicyGradientReference.standardize(advantages);
        }
        Tensor ratio = f[0].sub(double64(batch.logProbs())).exp();
        double c = config.clipRange();
        Tensor policyLoss = torch.minimum(ratio.mul(advantages), clamp(ratio, 1 - c, 1 + c).mul(advantages))
            .mean().neg();
        Tensor oldValues = double64(batch.values());
        Tensor prediction = config.clipRangeVf() > 0
            ? oldValues.add(clamp(f[2].sub(oldValues), -config.clipRangeVf(), config.clipRangeVf())) : f[2];
        Tensor valueLoss = torch.mse_loss(prediction, double64(batch.returns()));
        return policyLoss.add(valueLoss, new Scalar(config.vfCoef())).sub(f[1].mean(), new Scalar(config.entCoef()));
    }

    private static Tensor referenceClipFraction(Map<String, Tensor> w, RolloutMinibatch batch, boolean continuous,
                                                boolean shared, String activation, double c) {
        Tensor[] f = forward(w, batch, continuous, shared, activation);
        Tensor ratio = f[0].sub(double64(batch.logProbs())).exp().detach();
        return ratio.sub(new Scalar(1.0)).abs().gt(new Scalar(c)).to(torch.ScalarType.Double).mean();
    }
}

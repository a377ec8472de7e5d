package io.rltrader.agent;

import static io.rltrader.agent.ActorCriticReference.assertClose;
import static io.rltrader.agent.ActorCriticReference.d64;

import io.rltrader.memory.TransitionBatch;
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
 * The gradients of SAC's three losses in one {@link SacAgent#update()} against float64 autograd at the
 * same weights and noise: the critic loss (soft target through the target critics and a' ~ pi(s')),
 * the actor loss (squashed-Gaussian log-prob, reparameterization, and the gradient through the
 * updated critics into the action) and the temperature loss. The update leaves each loss's gradient
 * in its parameter set's gradient buffer.
 */
class SacUpdateParityTest {
    private static final int OBS = 5;
    private static final int BATCH = 8;

    @ParameterizedTest(name = "actionDim={0} entCoef={1}")
    @CsvSource({"1, auto", "3, auto_0.5", "2, 0.2"})
    void lossGradientsMatchAutograd(int actionDim, String entCoef) {
        SacAgent.Config config = new SacAgent.Config(List.of(16, 12), 3e-3, 100, 0, BATCH, 0.05, 0.9, 1, 1,
            entCoef, 1, "auto", 17);
        try (PointerScope scope = new PointerScope(); SacAgent agent = new SacAgent(OBS, actionDim, config)) {
            Rng data = new Rng(99);
            for (int step = 0; step < 3; step++) {
                ActorCriticReference.fillBatch(agent.batch(), data);
                checkOneUpdate(agent, actionDim, config, step);
            }
        }
    }

    private static void checkOneUpdate(SacAgent agent, int actionDim, SacAgent.Config config, int step) {
        TwinCritics critics = agent.critics();
        float[] actorBefore = agent.actorWeights();
        float[] criticBefore = agent.criticWeights();
        float[] targetBefore = agent.targetCriticWeights();
        float logEntCoef = agent.logEntCoefParameters().toArray()[0];
        agent.update();
        float[] criticAfter = agent.criticWeights();

        TransitionBatch batch = agent.batch();
        Tensor obs = d64(batch.observations());
        Tensor next = d64(batch.nextObservations());
        Tensor actions = d64(batch.actions());
        Tensor alpha = d64(torch.tensor(1f)).mul(new Scalar(Math.exp(logEntCoef)));

        // critic loss at the weights before the update
        Map<String, Tensor> actorOld = ActorCriticReference.weights(agent.actorParameters(), actorBefore, false);
        Map<String, Tensor> target = ActorCriticReference.weights(critics.target, targetBefore, false);
        Tensor[] nextSample = ActorCriticReference.squashedGaussian(ActorCriticReference.mlp(actorOld, "actor", next,
            null), d64(agent.lastNoise(true)), actionDim);
        Tensor nextQ = torch.minimum(ActorCriticReference.q(target, "q1", next, nextSample[0]),
            ActorCriticReference.q(target, "q2", next, nextSample[0])).sub(alpha.mul(nextSample[1]));
        Tensor y = d64(batch.rewards()).add(d64(batch.discounts()).mul(nextQ)).detach();
        Map<String, Tensor> critic = ActorCriticReference.weights(critics.online, criticBefore, true);
        Tensor criticLoss = torch.mse_loss(ActorCriticReference.q(critic, "q1", obs, actions), y)
            .add(torch.mse_loss(ActorCriticReference.q(critic, "q2", obs, actions), y)).mul(new Scalar(0.5));
        criticLoss.backward();
        assertClose("step " + step + " critic gradient", critics.online.gradientsToArray(),
            ActorCriticReference.gradient(critics.online, critic));

        // actor loss through the critics after their step
        Map<String, Tensor> actor = ActorCriticReference.weights(agent.actorParameters(), actorBefore, true);
        Map<String, Tensor> criticNew = ActorCriticReference.weights(critics.online, criticAfter, false);
        Tensor[] sample = ActorCriticReference.squashedGaussian(ActorCriticReference.mlp(actor, "actor", obs, null),
            d64(agent.lastNoise(false)), actionDim);
        Tensor minQ = torch.minimum(ActorCriticReference.q(criticNew, "q1", obs, sample[0]),
            ActorCriticReference.q(criticNew, "q2", obs, sample[0]));
        alpha.mul(sample[1]).sub(minQ).mean().backward();
        assertClose("step " + step + " actor gradient", agent.actorParameters().gradientsToArray(),
            ActorCriticReference.gradient(agent.actorParameters(), actor));

        if (config.learnsEntCoef()) {
            Tensor logAlpha = d64(torch.tensor(1f)).mul(new Scalar(logEntCoef)).requires_grad_(true);
            Tensor entropyGap = sample[1].detach().add(new Scalar(config.targetEntropyFor(actionDim)));
            logAlpha.mul(entropyGap).mean().neg().backward();
            assertClose("step " + step + " temperature gradient",
                agent.logEntCoefParameters().gradientsToArray(), ActorCriticReference.read(logAlpha.grad()));
        }
    }
}

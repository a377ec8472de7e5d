package io.rltrader.agent;

import static io.rltrader.agent.ActorCriticReference.assertClose;
import static io.rltrader.agent.ActorCriticReference.d64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.rltrader.memory.TransitionBatch;
import io.rltrader.util.Rng;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gradients of TD3's critic loss (smoothed target policy, twin target critics) and delayed actor
 * loss ({@code -mean(Q1(s, mu(s)))} through the updated critics) against float64 autograd; between
 * actor updates the actor and the targets do not move.
 */
class Td3UpdateParityTest {
    private static final int OBS = 5;
    private static final int BATCH = 8;

    @ParameterizedTest(name = "actionDim={0}")
    @ValueSource(ints = {1, 3})
    void lossGradientsMatchAutograd(int actionDim) {
        Td3Agent.Config config = new Td3Agent.Config(List.of(16, 12), 3e-3, 100, 0, BATCH, 0.05, 0.9, 1, 1, 2,
            0.4, 0.5, 0.1, 23);
        try (PointerScope scope = new PointerScope(); Td3Agent agent = new Td3Agent(OBS, actionDim, config)) {
            Rng data = new Rng(98);
            for (int step = 1; step <= 4; step++) {
                ActorCriticReference.fillBatch(agent.batch(), data);
                checkOneUpdate(agent, step);
            }
        }
    }

    private static void checkOneUpdate(Td3Agent agent, int step) {
        TwinCritics critics = agent.critics();
        float[] actorBefore = agent.actorWeights();
        float[] actorTargetBefore = agent.targetActorWeights();
        float[] criticBefore = agent.criticWeights();
        float[] targetBefore = agent.targetCriticWeights();
        agent.update();
        TransitionBatch batch = agent.batch();
        Tensor obs = d64(batch.observations());
        Tensor next = d64(batch.nextObservations());

        Map<String, Tensor> actorTarget = ActorCriticReference.weights(agent.actorTargetParameters(),
            actorTargetBefore, false);
        Map<String, Tensor> target = ActorCriticReference.weights(critics.target, targetBefore, false);
        Tensor nextAction = ActorCriticReference.mlp(actorTarget, "actor", next, null).tanh()
            .add(d64(agent.lastTargetNoise())).clamp(new ScalarOptional(new Scalar(-1.0)),
                new ScalarOptional(new Scalar(1.0)));
        Tensor y = d64(batch.rewards()).add(d64(batch.discounts()).mul(torch.minimum(
            ActorCriticReference.q(target, "q1", next, nextAction),
            ActorCriticReference.q(target, "q2", next, nextAction)))).detach();
        Map<String, Tensor> critic = ActorCriticReference.weights(critics.online, criticBefore, true);
        Tensor actions = d64(batch.actions());
        torch.mse_loss(ActorCriticReference.q(critic, "q1", obs, actions), y)
            .add(torch.mse_loss(ActorCriticReference.q(critic, "q2", obs, actions), y)).backward();
        assertClose("update " + step + " critic gradient", critics.online.gradientsToArray(),
            ActorCriticReference.gradient(critics.online, critic));

        if (step % 2 != 0) {
            assertArrayEquals(actorBefore, agent.actorWeights(), "the actor waits for the policy delay");
            assertArrayEquals(targetBefore, agent.targetCriticWeights(), "the targets wait for the policy delay");
            return;
        }
        Map<String, Tensor> actor = ActorCriticReference.weights(agent.actorParameters(), actorBefore, true);
        Map<String, Tensor> criticNew = ActorCriticReference.weights(critics.online, agent.criticWeights(), false);
        Tensor mu = ActorCriticReference.mlp(actor, "actor", obs, null).tanh();
        ActorCriticReference.q(criticNew, "q1", obs, mu).mean().neg().backward();
        assertClose("update " + step + " actor gradient", agent.actorParameters().gradientsToArray(),
            ActorCriticReference.gradient(agent.actorParameters(), actor));
    }
}

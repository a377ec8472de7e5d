package io.rltrader.agent;

import static io.rltrader.agent.PolicyGradientReference.double64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.memory.RolloutMinibatch;
import io.rltrader.train.OnPolicyTrainer;
import io.rltrader.util.Rng;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** REINFORCE: the policy-gradient loss's gradient against autograd, learning on the sine task, reproducibility. */
class ReinforceTest {
    @ParameterizedTest(name = "baseline={0} normalize={1}")
    @CsvSource({"false, true", "true, true", "true, false"})
    void policyGradientLossMatchesAutograd(boolean baseline, boolean normalize) {
        int obs = 5;
        int actions = 3;
        ReinforceAgent.Config config = new ReinforceAgent.Config(List.of(16, 12), "relu", 1e-3, 4, 0.9, normalize,
            baseline, 0.7, 0.02, 0, 1e-8, 9);
        try (PointerScope scope = new PointerScope();
             ReinforceAgent agent = new ReinforceAgent(obs, actions, 3, config)) {
            RolloutMinibatch batch = agent.batch();
            PolicyGradientReference.fillMinibatch(batch, actions, false, new Rng(4));
            agent.computeLossAndGradients();
            float[] actual = agent.parameters().gradientsToArray();

            Map<String, Tensor> w = PolicyGradientReference.leaves(agent.parameters());
            Tensor[] out = PolicyGradientReference.actorCritic(w, double64(batch.observations()), false, true);
            Tensor[] head = PolicyGradientReference.categorical(out[0], batch.actions().detach().clone());
            Tensor weights = double64(batch.advantages());
            if (normalize) {
                weights = PolicyGradientReference.standardize(weights);
            }
            Tensor loss = head[0].mul(weights).mean().neg().sub(head[1].mean(), new Scalar(config.entCoef()));
            if (baseline) {
                loss = loss.add(torch.mse_loss(out[1], double64(batch.returns())), new Scalar(config.vfCoef()));
            }
            loss.backward();
            float[] expected = PolicyGradientReference.gradient(agent.parameters(), w);
            double error = PolicyGradientReference.maxTensorRelativeError(agent.parameters(), actual, expected);
            System.out.printf("reinforce parity baseline=%s: relative gradient error per tensor %.2e%n", baseline,
                error);
            assertTrue(error < 1e-5, "relative gradient error of a parameter tensor " + error);
        }
    }

    static ReinforceAgent.Config taskConfig(long seed) {
        return new ReinforceAgent.Config(List.of(64, 64), "tanh", 3e-3, 200, 0.5, true, true, 0.5, 0.0, 0.5, 1e-5,
            seed);
    }

    /**
     * The greedy policy must reach 98% of the oracle's log return on the held-out bars, evaluated as
     * three 200-bar episodes ({@link SineTask#EPISODE_SEGMENTS}), within 150 rounds of 16 x 200
     * transitions. 98% is above the near-trivial follow-the-last-return policy (about 0.974, asserted
     * below); 80% was not (it was reached in 1 to 4 rounds). Seeds 11..18: first at 98% after 44 to
     * 65 rounds (seed 11: 50), 0.985 to 0.989 after 150; before round 43 every seed is below the
     * trivial policy, most on plateaus between 0.89 and 0.95.
     */
    @Test
    void reachesNinetyEightPercentOfTheOracleOnHeldOutBars() {
        SineTask.assertOnPolicyReaches("reinforce", 0.98, 150, 16 * 200,
            observations -> new ReinforceAgent(observations, DiscreteTradingEnv.ACTIONS, 16, taskConfig(11)),
            agent -> rows -> agent.policy(rows, 1));
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        float[][] runs = new float[2][];
        for (int run = 0; run < 2; run++) {
            SineTask task = new SineTask(3);
            DiscreteTradingEnv env = task.trainingEnv(4, 5);
            try (ReinforceAgent agent = new ReinforceAgent(env.observationSize(), DiscreteTradingEnv.ACTIONS, 4,
                    taskConfig(21));
                 OnPolicyTrainer trainer = new OnPolicyTrainer(agent, env)) {
                trainer.run(3 * 4 * 200, 0, null);
                runs[run] = agent.weights();
            }
        }
        assertArrayEquals(runs[0], runs[1]);
    }
}

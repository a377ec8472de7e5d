package io.rltrader.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.data.MarketData;
import io.rltrader.util.Rng;
import org.junit.jupiter.api.Test;

class MultiAgentTradingEnvTest {
    private static final double CENT = 0.005;

    private static MultiAgentTradingEnv env(MarketData data, int envs, int agents, MultiAgentTradingEnv.Impact impact,
                                            MarketConfig market) {
        return new MultiAgentTradingEnv(data.asset(0), EnvFixtures.features(data, 0, EnvFixtures.NO_WARM_UP),
            new MultiAgentTradingEnv.Config(EnvConfig.of(envs), market, agents, 10, impact));
    }

    @Test
    void temporaryImpactMovesTheFillPriceWithNetFlowOnly() {
        MarketData data = EnvFixtures.prices(100, 100, 100, 100);
        MultiAgentTradingEnv env = env(data, 1, 3, MultiAgentTradingEnv.Impact.temporary(5),
            MarketConfig.tutorialDefaults().withFeeRate(0));
        env.reset();
        StepBuffers buffers = env.buffers();
        buffers.putDiscreteAction(0, MultiAgentTradingEnv.BUY);
        buffers.putDiscreteAction(1, MultiAgentTradingEnv.BUY);
        buffers.putDiscreteAction(2, MultiAgentTradingEnv.SELL);
        env.step();
        double fill = 100 * (1 + 5e-4 * 10);
        assertEquals(10, env.netFlow(0));
        assertEquals(1 + 5e-4 * 10, env.impactFactor(0), 1e-15);
        Accounts accounts = env.accounts();
        assertEquals(10_000 - 10 * fill, accounts.cash(0), 1e-9);
        assertEquals(10_000 + 10 * fill, accounts.cash(2), 1e-9);
        assertEquals(10_000 - 10 * fill + 10 * 100, accounts.equity(0), 1e-9, "marked at the unimpacted close");
        assertEquals(10 * (100 - fill), buffers.reward(0), 1e-4);
        assertEquals(10 * (fill - 100), buffers.reward(2), 1e-4);
        assertEquals(1, env.priceFactor(0), "temporary impact leaves later prices alone");
    }

    @Test
    void permanentImpactMovesLaterPricesAndSellingPushesDown() {
        MarketData data = EnvFixtures.prices(100, 100, 100, 100, 100);
        MultiAgentTradingEnv env = env(data, 1, 2, MultiAgentTradingEnv.Impact.permanent(10),
            MarketConfig.tutorialDefaults().withFeeRate(0));
        env.reset();
        StepBuffers buffers = env.buffers();
        buffers.putDiscreteAction(0, MultiAgentTradingEnv.BUY);
        buffers.putDiscreteAction(1, MultiAgentTradingEnv.BUY);
        env.step();
        double up = 1 + 10e-4 * 20;
        assertEquals(up, env.priceFactor(0), 1e-15);
        assertEquals(10_000 - 10 * 100 * up + 10 * 100 * up, env.accounts().equity(0), 1e-9,
            "marked at the moved price");
        buffers.putDiscreteAction(0, MultiAgentTradingEnv.SELL);
        buffers.putDiscreteAction(1, MultiAgentTradingEnv.HOLD);
        env.step();
        double down = 1 - 10e-4 * 10;
        assertEquals(up * down, env.priceFactor(0), 1e-15);
        assertEquals(10_000 - 1_000 * up + 1_000 * up * down, env.accounts().cash(0), 1e-9);
        assertTrue(env.buffers().reward(1) < 0, "the holder loses when the other agent's sale pushes the price down");
    }

    @Test
    void randomTradingOfManyAgentsReconcilesPerAgent() {
        MarketData data = EnvFixtures.randomWalk(21, 300, 0.02);
        MarketConfig market = EnvFixtures.costlyMarket();
        MultiAgentTradingEnv env = new MultiAgentTradingEnv(data.asset(0),
            EnvFixtures.features(data, 0, EnvFixtures.SMALL),
            new MultiAgentTradingEnv.Config(EnvFixtures.env(4, 2, 50, 3), market, 5, 20,
                MultiAgentTradingEnv.Impact.permanent(2)));
        env.reset();
        double[] closes = data.asset(0).price().toArray();
        Rng rng = new Rng(4);
        StepBuffers buffers = env.buffers();
        int ended = 0;
        for (int step = 0; step < 1_000; step++) {
            int[] bars = new int[4];
            double[] factors = new double[4];
            for (int i = 0; i < 4; i++) {
                bars[i] = env.decisionRow(i);
                factors[i] = env.priceFactor(i);
            }
            for (int row = 0; row < env.rows(); row++) {
                buffers.putDiscreteAction(row, rng.nextInt(3));
            }
            env.step();
            for (int i = 0; i < 4; i++) {
                double factor = factors[i] * env.impactFactor(i);
                for (int m = 0; m < 5; m++) {
                    int row = i * 5 + m;
                    Accounts a = env.accounts();
                    EpisodeStats s = env.episodes();
                    boolean end = buffers.ended(row);
                    assertEquals(buffers.ended(i * 5), end, "agents of a copy share the episode");
                    double cash = end ? s.finalCash(row) : a.cash(row);
                    double expectedCash = market.initialCash() - (end ? s.buyNotional(row) : a.buyNotional(row))
                        + (end ? s.sellNotional(row) : a.sellNotional(row)) - (end ? s.fees(row) : a.fees(row))
                        - (end ? s.borrowCost(row) : a.borrowCost(row));
                    assertEquals(expectedCash, cash, CENT, "cash of agent " + m + " of env " + i);
                    double held = end ? s.finalShares(row, 0) : a.shares(row, 0);
                    assertEquals(cash + held * closes[bars[i] + 1] * factor, end ? s.finalEquity(row) : a.equity(row),
                        CENT, "equity of agent " + m + " of env " + i);
                    ended += end ? 1 : 0;
                }
            }
        }
        assertTrue(ended >= 100);
    }
}

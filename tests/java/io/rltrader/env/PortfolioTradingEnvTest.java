package io.rltrader.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.data.MarketData;
import io.rltrader.data.TestData;
import io.rltrader.util.Rng;
import org.junit.jupiter.api.Test;

class PortfolioTradingEnvTest {
    private static final double CENT = 0.005;

    @Test
    void simplexProjectionMatchesTheDefinitionAndSumsToOne() {
        Rng rng = new Rng(3);
        double[] values = new double[5];
        double[] scratch = new double[5];
        for (int trial = 0; trial < 2_000; trial++) {
            double[] input = new double[5];
            for (int j = 0; j < 5; j++) {
                input[j] = 3 * rng.nextGaussian();
                values[j] = input[j];
            }
            PortfolioTradingEnv.projectToSimplexInPlace(values, scratch, 5);
            double sum = 0;
            for (int j = 0; j < 5; j++) {
                assertTrue(values[j] >= 0);
                sum += values[j];
            }
            assertEquals(1, sum, 1e-12);
            // Optimality (KKT): the positive weights are input - theta for one theta; zero weights have input <= theta.
            double theta = Double.NaN;
            for (int j = 0; j < 5; j++) {
                if (values[j] > 0) {
                    double candidate = input[j] - values[j];
                    if (!Double.isNaN(theta)) {
                        assertEquals(theta, candidate, 1e-12);
                    }
                    theta = candidate;
                }
            }
            for (int j = 0; j < 5; j++) {
                if (values[j] == 0) {
                    assertTrue(input[j] <= theta + 1e-12);
                }
            }
        }
        double[] inside = {0.1, 0.2, 0.3, 0.4};
        PortfolioTradingEnv.projectToSimplexInPlace(inside, scratch, 4);
        assertEquals(0.3, inside[2], 1e-15, "a point of the simplex projects to itself");
    }

    @Test
    void softmaxWeightsArePositiveAndSumToOne() {
        double[] values = {1000, 999, -5, 0};
        PortfolioTradingEnv.softmaxInPlace(values, 4);
        assertEquals(1, values[0] + values[1] + values[2] + values[3], 1e-15);
        assertEquals(Math.E, values[0] / values[1], 1e-12);
    }

    @Test
    void rebalancesEuStocksToTheTargetWeightsAndPositionsPlusCashSumToOne() {
        MarketData data = TestData.euStocks();
        PortfolioTradingEnv env = new PortfolioTradingEnv(data, EnvFixtures.allFeatures(data, EnvFixtures.SMALL),
            new PortfolioTradingEnv.Config(EnvFixtures.env(3, 2, 200, 1), MarketConfig.frictionless(),
                PortfolioTradingEnv.Projection.SIMPLEX));
        assertEquals(5, env.actionSize());
        assertEquals(4 * 2 * 2 + 4 + 3, env.observationSize());
        env.reset();
        StepBuffers buffers = env.buffers();
        float[][] weights = {{0.4f, 0.3f, 0.2f, 0.1f, 0f}, {0f, 0f, 0f, 0f, 1f}, {0.25f, 0.25f, 0.25f, 0.25f, 0f}};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                buffers.putContinuousAction(i, j, weights[i][j]);
            }
        }
        int[] bars = {env.decisionRow(0), env.decisionRow(1), env.decisionRow(2)};
        env.step();
        Accounts accounts = env.accounts();
        for (int i = 0; i < 3; i++) {
            double invested = 0;
            for (int k = 0; k < 4; k++) {
                double price = data.asset(k).price().get(bars[i]);
                double value = accounts.shares(i, k) * price;
                assertEquals((double) weights[i][k] * 10_000, value, 1e-4, "asset " + k + " of env " + i);
                invested += value;
            }
            assertEquals(10_000 - invested, accounts.cash(i), 1e-6);
        }
        int obs = env.observationSize();
        int state = obs - AccountStateDescriptor.length(4);
        for (int step = 0; step < 300; step++) {
            for (int i = 0; i < 3; i++) {
                double sum = buffers.observation(i, state + AccountStateDescriptor.cashFractionIndex(4));
                for (int k = 0; k < 4; k++) {
                    sum += buffers.observation(i, state + AccountStateDescriptor.positionIndex(k));
                }
                assertEquals(1, sum, 1e-5, "position fractions plus cash fraction of env " + i);
            }
            env.step();
        }
    }

    @Test
    void randomRebalancingWithCostsReconcilesToTheCent() {
        MarketData data = EnvFixtures.randomWalks(5, 4, 300);
        MarketConfig market = EnvFixtures.costlyMarket().withFractional(true).withMaxPosition(Double.POSITIVE_INFINITY);
        PortfolioTradingEnv env = new PortfolioTradingEnv(data, EnvFixtures.allFeatures(data, EnvFixtures.SMALL),
            new PortfolioTradingEnv.Config(EnvFixtures.env(5, 1, 40, 2), market, PortfolioTradingEnv.Projection.SOFTMAX));
        env.reset();
        Rng rng = new Rng(8);
        StepBuffers buffers = env.buffers();
        int ended = 0;
        for (int step = 0; step < 1_000; step++) {
            int[] bars = new int[5];
            for (int i = 0; i < 5; i++) {
                bars[i] = env.decisionRow(i);
                for (int j = 0; j < 5; j++) {
                    buffers.putContinuousAction(i, j, (float) (2 * rng.nextGaussian()));
                }
            }
            env.step();
            for (int i = 0; i < 5; i++) {
                Accounts a = env.accounts();
                EpisodeStats s = env.episodes();
                boolean end = buffers.ended(i);
                double cash = end ? s.finalCash(i) : a.cash(i);
                double expectedCash = market.initialCash() - (end ? s.buyNotional(i) : a.buyNotional(i))
                    + (end ? s.sellNotional(i) : a.sellNotional(i)) - (end ? s.fees(i) : a.fees(i))
                    - (end ? s.borrowCost(i) : a.borrowCost(i));
                assertEquals(expectedCash, cash, CENT);
                assertTrue(cash > -CENT, "a buy never spends more cash than there is");
                double equity = cash;
                for (int k = 0; k < 4; k++) {
                    double held = end ? s.finalShares(i, k) : a.shares(i, k);
                    assertTrue(held >= 0, "portfolio is long only");
                    equity += held * data.asset(k).price().get(bars[i] + 1);
                }
                assertEquals(equity, end ? s.finalEquity(i) : a.equity(i), CENT);
                ended += end ? 1 : 0;
            }
        }
        assertTrue(ended >= 100);
    }
}

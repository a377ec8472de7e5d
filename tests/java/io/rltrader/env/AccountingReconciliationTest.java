package io.rltrader.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.data.MarketData;
import io.rltrader.util.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Property tests on random action sequences: every account of every kind reconciles to the cent
 * after every step ({@code cash == initial - buys + sells - fees - borrow}, {@code equity == cash +
 * shares * close}), and the single-asset kinds match the {@link ReferenceTrader} step by step.
 */
class AccountingReconciliationTest {
    private static final double CENT = 0.005;
    private static final int STEPS = 1_500;

    @ParameterizedTest
    @EnumSource(MarketConfig.Fill.class)
    void discreteLotMatchesTheReferenceAndReconciles(MarketConfig.Fill fill) {
        MarketData data = EnvFixtures.randomWalk(11, 400, 0.02);
        MarketConfig market = EnvFixtures.costlyMarket().withFill(fill);
        DiscreteTradingEnv env = new DiscreteTradingEnv(data.asset(0), EnvFixtures.features(data, 0, EnvFixtures.SMALL),
            new DiscreteTradingEnv.Config(EnvFixtures.env(6, 3, 60, 5), market, DiscreteTradingEnv.ActionMode.LOT, 40));
        runAgainstReference(env, data, market, 40, (rng, i) -> rng.nextInt(3), Mapping.LOT);
    }

    @ParameterizedTest
    @EnumSource(MarketConfig.Fill.class)
    void discreteTargetMatchesTheReferenceAndReconciles(MarketConfig.Fill fill) {
        MarketData data = EnvFixtures.randomWalk(12, 400, 0.02);
        MarketConfig market = EnvFixtures.costlyMarket().withFill(fill).withMaxPosition(Double.POSITIVE_INFINITY);
        DiscreteTradingEnv env = new DiscreteTradingEnv(data.asset(0), EnvFixtures.features(data, 0, EnvFixtures.SMALL),
            new DiscreteTradingEnv.Config(EnvFixtures.env(6, 2, 45, 6), market, DiscreteTradingEnv.ActionMode.TARGET,
                1));
        runAgainstReference(env, data, market, 0, (rng, i) -> rng.nextInt(3), Mapping.TARGET);
    }

    @ParameterizedTest
    @EnumSource(MarketConfig.Fill.class)
    void continuousMatchesTheReferenceAndReconciles(MarketConfig.Fill fill) {
        MarketData data = EnvFixtures.randomWalk(13, 400, 0.02);
        MarketConfig market = EnvFixtures.costlyMarket().withFill(fill).withFractional(true)
            .withMaxPosition(Double.POSITIVE_INFINITY);
        ContinuousTradingEnv env = new ContinuousTradingEnv(data.asset(0),
            EnvFixtures.features(data, 0, EnvFixtures.SMALL),
            new ContinuousTradingEnv.Config(EnvFixtures.env(6, 4, 70, 7), market));
        runAgainstReference(env, data, market, 0, (rng, i) -> (float) (2.4 * rng.nextDouble() - 1.2),
            Mapping.FRACTION);
    }

    private enum Mapping { LOT, TARGET, FRACTION }

    private interface ActionSource {
        double next(Rng rng, int env);
    }

    private static void runAgainstReference(VectorEnv env, MarketData data, MarketConfig market, double lot,
                                            ActionSource actions, Mapping mapping) {
        double[] closes = data.asset(0).price().toArray();
        MarketData.Asset asset = data.asset(0);
        int n = env.envs();
        ReferenceTrader[] references = new ReferenceTrader[n];
        for (int i = 0; i < n; i++) {
            references[i] = new ReferenceTrader(market);
        }
        Rng rng = new Rng(99);
        env.reset();
        StepBuffers buffers = env.buffers();
        int endedEpisodes = 0;
        double[] chosen = new double[n];
        for (int step = 0; step < STEPS; step++) {
            int[] bars = new int[n];
            for (int i = 0; i < n; i++) {
                bars[i] = env.decisionRow(i);
                chosen[i] = actions.next(rng, i);
                if (mapping == Mapping.FRACTION) {
                    buffers.putContinuousAction(i, 0, (float) chosen[i]);
                    chosen[i] = (float) chosen[i];
                } else {
                    buffers.putDiscreteAction(i, (int) chosen[i]);
                }
            }
            env.step();
            for (int i = 0; i < n; i++) {
                ReferenceTrader ref = references[i];
                int t = bars[i];
                double reference = market.fill() == MarketConfig.Fill.CLOSE ? closes[t] : asset.openOrPreviousPrice(t + 1);
                double equityAtReference = ref.cash + ref.shares * reference;
                switch (mapping) {
                    case LOT:
                        if (chosen[i] != DiscreteTradingEnv.HOLD) {
                            ref.orderTo(ref.shares + (chosen[i] - 1) * lot, reference);
                        }
                        break;
                    case TARGET:
                        ref.orderTo((chosen[i] - 1) * equityAtReference / reference, reference);
                        break;
                    default:
                        double fraction = Math.max(-1, Math.min(1, chosen[i]));
                        ref.orderTo(fraction * equityAtReference / reference, reference);
                        break;
                }
                double pnl = ref.markAt(closes[t + 1]);
                assertEquals((float) pnl, buffers.reward(i), Math.max(1e-4, Math.abs(pnl) * 1e-6),
                    "reward of env " + i + " at step " + step);
                boolean ended = buffers.ended(i);
                Accounts live = env.accounts();
                EpisodeStats stats = env.episodes();
                double cash = ended ? stats.finalCash(i) : live.cash(i);
                double shares = ended ? stats.finalShares(i, 0) : live.shares(i, 0);
                double equity = ended ? stats.finalEquity(i) : live.equity(i);
                double fees = ended ? stats.fees(i) : live.fees(i);
                double buys = ended ? stats.buyNotional(i) : live.buyNotional(i);
                double sells = ended ? stats.sellNotional(i) : live.sellNotional(i);
                double borrow = ended ? stats.borrowCost(i) : live.borrowCost(i);
                assertEquals(ref.cash, cash, 1e-6, "cash of env " + i + " at step " + step);
                assertEquals(ref.shares, shares, 1e-9, "shares of env " + i + " at step " + step);
                assertEquals(ref.fees, fees, 1e-6, "fees of env " + i + " at step " + step);
                assertEquals(ref.trades, ended ? stats.trades(i) : live.trades(i));
                assertEquals(market.initialCash() - buys + sells - fees - borrow, cash, CENT,
                    "cash reconciles for env " + i + " at step " + step);
                assertEquals(cash + shares * closes[t + 1], equity, CENT, "equity of env " + i + " at step " + step);
                if (ended) {
                    endedEpisodes++;
                    references[i].reset();
                    assertEquals(stats.finalEquity(i) - market.initialCash(), stats.totalReward(i),
                        0.01 + 1e-6 * stats.length(i) * market.initialCash(),
                        "PnL rewards of an episode add up to its equity change");
                }
            }
        }
        assertTrue(endedEpisodes > 50, "episodes ended and auto-reset: " + endedEpisodes);
    }
}

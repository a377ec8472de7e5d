package io.rltrader.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.util.UserInputException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every configuration a user can get wrong fails with a message naming the setting and what was expected. */
class ConfigValidationTest {
    private static final MarketData DATA = EnvFixtures.randomWalk(1, 10, 0.01);
    private static final FeatureMatrix FEATURES = EnvFixtures.features(DATA, 0, EnvFixtures.NO_WARM_UP);

    private static void assertUserError(Executable action, String... fragments) {
        UserInputException e = assertThrows(UserInputException.class, action);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' names " + fragment);
        }
    }

    private static ContinuousTradingEnv continuous(EnvConfig env) {
        return new ContinuousTradingEnv(DATA.asset(0), FEATURES,
            new ContinuousTradingEnv.Config(env, MarketConfig.frictionless()));
    }

    @Test
    void marketSettings() {
        MarketConfig m = MarketConfig.tutorialDefaults();
        assertUserError(() -> m.withFeeRate(-0.001), "feeRate", ">= 0", "-0.001");
        assertUserError(() -> m.withFeeRate(Double.NaN), "feeRate", "finite");
        assertUserError(() -> m.withFixedFee(-1), "fixedFee", ">= 0");
        assertUserError(() -> m.withSlippageBps(-2), "slippageBps", ">= 0");
        assertUserError(() -> m.withInitialCash(0), "initialCash", "> 0");
        assertUserError(() -> m.withMaxPosition(0), "maxPosition", "> 0");
        assertUserError(() -> m.withBorrowRatePerBar(-0.1), "borrowRatePerBar");
        assertUserError(() -> m.withRuinFraction(1), "ruinFraction", "[0, 1)");
        assertUserError(() -> m.withFill(null), "fill", "CLOSE or NEXT_OPEN");
    }

    @Test
    void envAndRewardSettings() {
        assertUserError(() -> EnvConfig.of(0), "envs", ">= 1", "0");
        assertUserError(() -> EnvConfig.of(1).withWindow(0), "window", ">= 1");
        assertUserError(() -> EnvConfig.of(1).withEpisodeLength(-3), "episodeLength");
        assertUserError(() -> EnvConfig.of(1).withTimeScale(0), "timeScale");
        assertUserError(() -> RewardConfig.differentialSharpe(1.5), "eta", "(0, 1)");
        assertUserError(() -> RewardConfig.pnl().withScale(-1), "scale", "> 0");
    }

    @Test
    void settingsThatDependOnTheData() {
        assertUserError(() -> continuous(EnvConfig.of(1).withWindow(11)), "window 11", "longer than the data",
            "10 rows");
        assertUserError(() -> continuous(EnvConfig.of(1).withWindow(10)), "window 10", "no bar can be stepped");
        assertUserError(() -> continuous(EnvConfig.of(1).withEpisodeLength(10)), "episodeLength 10", "9 steps");
        assertUserError(() -> continuous(EnvConfig.of(1).withPositionEncoding(EnvConfig.PositionEncoding.LIMIT_FRACTION)),
            "LIMIT_FRACTION", "maxPosition");
        MarketData wide = EnvFixtures.randomWalks(1, 3, 20);
        assertUserError(() -> new PortfolioTradingEnv(wide, List.of(EnvFixtures.features(wide, 0, EnvFixtures.SMALL)),
            new PortfolioTradingEnv.Config(EnvConfig.of(1), MarketConfig.frictionless(),
                PortfolioTradingEnv.Projection.SOFTMAX)), "one per asset", "3 assets", "got 1");
        MarketData shorter = EnvFixtures.randomWalk(1, 8, 0.01);
        assertUserError(() -> new ContinuousTradingEnv(DATA.asset(0),
            EnvFixtures.features(shorter, 0, EnvFixtures.NO_WARM_UP),
            new ContinuousTradingEnv.Config(EnvConfig.of(1), MarketConfig.frictionless())), "8 rows", "expected 10");
    }

    @Test
    void kindSettings() {
        assertUserError(() -> new DiscreteTradingEnv.Config(EnvConfig.of(1), MarketConfig.tutorialDefaults(),
            DiscreteTradingEnv.ActionMode.LOT, 0.5), "lot 0.5", "whole shares");
        assertUserError(() -> new MultiAgentTradingEnv.Config(EnvConfig.of(1), MarketConfig.tutorialDefaults(), 0, 1,
            MultiAgentTradingEnv.Impact.none()), "agents", ">= 1");
        assertUserError(() -> new MultiAgentTradingEnv.Config(EnvConfig.of(1), MarketConfig.tutorialDefaults(), 4, 100,
            MultiAgentTradingEnv.Impact.permanent(50)), "bpsPerShare", "< 10000");
        assertUserError(() -> MultiAgentTradingEnv.Impact.temporary(-1), "bpsPerShare", ">= 0");
    }

    @Test
    void badActionsAreRejectedBeforeAnyEnvMoves() {
        ContinuousTradingEnv env = continuous(EnvConfig.of(3));
        env.reset();
        env.buffers().putContinuousAction(0, 0, 1f);
        env.buffers().putContinuousAction(2, 0, Float.NaN);
        assertUserError(env::step, "action of env 2", "NaN", "[-1, 1]");
        assertEquals(0, env.stepsInEpisode(0), "env 0 did not step");
        assertEquals(10_000, env.accounts().cash(0));

        DiscreteTradingEnv discrete = new DiscreteTradingEnv(DATA.asset(0), FEATURES,
            DiscreteTradingEnv.Config.tutorial(2));
        discrete.reset();
        discrete.buffers().putDiscreteAction(1, 3);
        assertUserError(discrete::step, "action of env 1", "3", "0 (sell), 1 (hold) or 2 (buy)");
        for (int negative : new int[] {-1, Integer.MIN_VALUE}) {
            discrete.buffers().putDiscreteAction(0, DiscreteTradingEnv.BUY);
            discrete.buffers().putDiscreteAction(1, negative);
            assertUserError(discrete::step, "action of env 1", Integer.toString(negative), "0 (sell)");
        }
        assertEquals(0, discrete.stepsInEpisode(0), "discrete env 0 did not step");
        assertEquals(0, discrete.accounts().shares(0, 0), "discrete env 0 did not buy");

        MarketData wide = EnvFixtures.randomWalks(1, 2, 20);
        PortfolioTradingEnv portfolio = new PortfolioTradingEnv(wide, EnvFixtures.allFeatures(wide, EnvFixtures.SMALL),
            new PortfolioTradingEnv.Config(EnvConfig.of(1), MarketConfig.frictionless(),
                PortfolioTradingEnv.Projection.SIMPLEX));
        portfolio.reset();
        portfolio.buffers().putContinuousAction(0, 2, Float.POSITIVE_INFINITY);
        assertUserError(portfolio::step, "action 2 of env 0", "finite", "2 asset weights, then cash");
    }

    @Test
    void singleEnvApiChecksItsInputs() {
        assertUserError(() -> new TradingEnv(continuous(EnvConfig.of(2))), "envs = 1", "envs = 2");
        TradingEnv env = new TradingEnv(continuous(EnvConfig.of(1)));
        env.reset();
        assertUserError(() -> env.step(1), "float action");
        assertUserError(() -> env.step(new float[] {0.1f, 0.2f}), "2 values", "expects 1");
    }
}

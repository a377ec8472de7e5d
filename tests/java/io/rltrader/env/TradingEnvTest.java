package io.rltrader.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rltrader.data.MarketData;
import io.rltrader.util.Rng;
import org.junit.jupiter.api.Test;

/** The one-env API reports what the vectorized buffers hold, with pre-reset info when an episode ends. */
class TradingEnvTest {
    @Test
    void stepResultsMirrorTheVectorizedBuffersAndKeepTheEndedEpisodesInfo() {
        MarketData data = EnvFixtures.randomWalk(6, 200, 0.02);
        DiscreteTradingEnv.Config config = new DiscreteTradingEnv.Config(EnvFixtures.env(1, 2, 25, 4),
            EnvFixtures.costlyMarket(), DiscreteTradingEnv.ActionMode.LOT, 20);
        DiscreteTradingEnv shadow = new DiscreteTradingEnv(data.asset(0), EnvFixtures.features(data, 0,
            EnvFixtures.SMALL), config);
        TradingEnv env = new TradingEnv(new DiscreteTradingEnv(data.asset(0), EnvFixtures.features(data, 0,
            EnvFixtures.SMALL), config));
        float[] first = env.reset();
        shadow.reset();
        assertArrayEquals(shadow.buffers().observationCopy(0), first);
        Rng rng = new Rng(3);
        int ended = 0;
        for (int step = 0; step < 200; step++) {
            int action = rng.nextInt(3);
            int bar = shadow.decisionRow(0);
            shadow.buffers().putDiscreteAction(0, action);
            shadow.step();
            StepResult result = env.step(action);
            assertEquals(shadow.buffers().reward(0), result.reward());
            assertEquals(shadow.buffers().terminated(0), result.terminated());
            assertEquals(shadow.buffers().truncated(0), result.truncated());
            assertArrayEquals(shadow.buffers().observationCopy(0), result.observation());
            if (result.ended()) {
                ended++;
                assertArrayEquals(shadow.buffers().finalObservationCopy(0), result.finalObservation());
                assertEquals(shadow.episodes().finalEquity(0), result.equity());
                assertEquals(shadow.episodes().finalShares(0, 0), result.position());
                assertEquals(shadow.episodes().trades(0), result.trades());
                assertEquals(result.cash() + result.position() * data.asset(0).price().get(bar + 1), result.equity(),
                    0.005, "the ended episode's equity at its last close");
            } else {
                assertEquals(shadow.accounts().equity(0), result.equity());
                assertEquals(shadow.accounts().cash(0), result.cash());
                assertEquals(shadow.accounts().fees(0), result.fees());
            }
        }
        assertEquals(8, ended, "200 steps of 25-step episodes");
    }

    @Test
    void multiAgentSingleEnvTakesOneActionPerAgent() {
        MarketData data = EnvFixtures.prices(100, 100, 100, 100);
        TradingEnv env = new TradingEnv(new MultiAgentTradingEnv(data.asset(0),
            EnvFixtures.features(data, 0, EnvFixtures.NO_WARM_UP),
            MultiAgentTradingEnv.Config.tutorial(1, 2, MultiAgentTradingEnv.Impact.none())));
        assertEquals(2 * env.observationSize(), env.reset().length);
        StepResult result = env.step(new int[] {MultiAgentTradingEnv.BUY, MultiAgentTradingEnv.SELL});
        assertEquals(1, result.shares(0, 0));
        assertEquals(-1, result.shares(1, 0));
        assertEquals(9_900, result.cash(0), 1e-9);
        assertEquals(10_100, result.cash(1), 1e-9);
        assertEquals(10_000, result.equity(0), 1e-9);
        assertEquals(10_000, result.equity(1), 1e-9);
        assertEquals(0f, result.reward(0));
        assertEquals(0f, result.reward(1));
    }
}

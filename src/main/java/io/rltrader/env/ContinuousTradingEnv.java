package io.rltrader.env;

import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.util.UserInputException;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Vectorized single-asset environment with one float32 action per env: the target fraction of
 * equity held in the asset, clipped to [-1, 1] (negative: short, when the market allows shorting;
 * otherwise flat). Equity and the target are valued at the fill's reference price. A buy that the
 * cash cannot pay for in full is filled as far as the cash goes, fees included.
 */
public final class ContinuousTradingEnv extends CoreBackedEnv {
    public static final int ACTION_SIZE = 1;

    public record Config(EnvConfig env, MarketConfig market) {
        public Config {
            if (env == null || market == null) {
                throw new UserInputException("continuous env config needs env and market settings");
            }
        }

        /** The tutorial's continuous env market (0.1% fee, 10,000 cash), fractional shares, no limit. */
        public static Config tutorial(int envs) {
            return new Config(EnvConfig.of(envs), MarketConfig.tutorialDefaults().withFractional(true)
                .withMaxPosition(Double.POSITIVE_INFINITY).withAllowShort(false));
        }
    }

    private final TradingCore core;
    private final Accounts accounts;
    private final UnsafeBuffer actions;

    public ContinuousTradingEnv(MarketData.Asset asset, FeatureMatrix features, Config config) {
        this.core = new TradingCore(List.of(asset), List.of(features), config.env(), config.market(), 1,
            ACTION_SIZE, false);
        this.accounts = core.accounts;
        this.actions = core.buffers.actions();
    }

    @Override
    public void step() {
        int envs = core.envs;
        for (int i = 0; i < envs; i++) {
            float action = actions.getFloat(StepBuffersDescriptor.continuousActionOffset(i, ACTION_SIZE, 0));
            if (!Float.isFinite(action)) {
                throw new UserInputException("action of env " + i + " is " + action
                    + ", expected a finite target fraction in [-1, 1]");
            }
        }
        for (int i = 0; i < envs; i++) {
            double fraction = actions.getFloat(StepBuffersDescriptor.continuousActionOffset(i, ACTION_SIZE, 0));
            fraction = Math.max(-1.0, Math.min(1.0, fraction));
            double price = core.referencePrice(i, 0);
            double equity = core.equityAtReference(i, i);
            accounts.trade(i, 0, equity > 0 ? fraction * equity / price : 0, price);
        }
        core.finishStep();
    }

    @Override
    public int envs() {
        return core.envs;
    }

    @Override
    public int agents() {
        return 1;
    }

    @Override
    public int assets() {
        return 1;
    }

    @Override
    TradingCore core() {
        return core;
    }
}

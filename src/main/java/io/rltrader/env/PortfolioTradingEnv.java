package io.rltrader.env;

import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.util.UserInputException;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Vectorized long-only portfolio of K assets plus cash. Each env's action is K+1 float32 values
 * (assets in order, then cash) that {@link Projection} turns into weights summing to 1; the env
 * rebalances to those weights of its equity at the fill's reference prices, sells first, then buys
 * in asset order (a buy the cash cannot pay for in full, fees included, is filled partially).
 * Observations hold the W-row feature window of every asset, then the account state with one
 * position entry per asset ({@link AccountStateDescriptor}).
 */
public final class PortfolioTradingEnv extends CoreBackedEnv {

    /** How an action vector becomes portfolio weights. */
    public enum Projection {
        /** {@code w = softmax(a)}: every weight positive. */
        SOFTMAX,
        /** Euclidean projection onto the probability simplex (Duchi et al. 2008): weights can be exactly 0. */
        SIMPLEX
    }

    public record Config(EnvConfig env, MarketConfig market, Projection projection) {
        public Config {
            if (env == null || market == null || projection == null) {
                throw new UserInputException("portfolio env config needs env, market and projection settings");
            }
        }
    }

    private final TradingCore core;
    private final Accounts accounts;
    private final UnsafeBuffer actions;
    private final int assets;
    private final int actionSize;
    private final boolean softmax;
    private final double[] weights;
    private final double[] sorted;
    private final double[] targets;

    /** {@code features.get(k)} must be the feature matrix of {@code assets.get(k)}. */
    public PortfolioTradingEnv(List<MarketData.Asset> assets, List<FeatureMatrix> features, Config config) {
        this.core = new TradingCore(assets, features, config.env(), config.market(), 1, assets.size() + 1, false);
        this.accounts = core.accounts;
        this.actions = core.buffers.actions();
        this.assets = assets.size();
        this.actionSize = this.assets + 1;
        this.softmax = config.projection() == Projection.SOFTMAX;
        this.weights = new double[actionSize];
        this.sorted = new double[actionSize];
        this.targets = new double[this.assets];
    }

    /** All assets of wide market data (for example DAX, SMI, CAC, FTSE) with one feature matrix each. */
    public PortfolioTradingEnv(MarketData data, List<FeatureMatrix> features, Config config) {
        this(data.assets(), features, config);
    }

    /** Action floats per env: K asset weights then cash. */
    public int actionSize() {
        return actionSize;
    }

    @Override
    public void step() {
        int envs = core.envs;
        for (int i = 0; i < envs; i++) {
            for (int j = 0; j < actionSize; j++) {
                float a = actions.getFloat(StepBuffersDescriptor.continuousActionOffset(i, actionSize, j));
                if (!Float.isFinite(a)) {
                    throw new UserInputException("action " + j + " of env " + i + " is " + a
                        + ", expected a finite number (" + actionSize + " per env: " + assets
                        + " asset weights, then cash)");
                }
            }
        }
        for (int i = 0; i < envs; i++) {
            for (int j = 0; j < actionSize; j++) {
                weights[j] = actions.getFloat(StepBuffersDescriptor.continuousActionOffset(i, actionSize, j));
            }
            if (softmax) {
                softmaxInPlace(weights, actionSize);
            } else {
                projectToSimplexInPlace(weights, sorted, actionSize);
            }
            double equity = core.equityAtReference(i, i);
            for (int k = 0; k < assets; k++) {
                targets[k] = equity > 0 ? weights[k] * equity / core.referencePrice(i, k) : 0;
            }
            for (int k = 0; k < assets; k++) {
                if (targets[k] < accounts.shares(i, k)) {
                    accounts.trade(i, k, targets[k], core.referencePrice(i, k));
                }
            }
            for (int k = 0; k < assets; k++) {
                if (targets[k] > accounts.shares(i, k)) {
                    accounts.trade(i, k, targets[k], core.referencePrice(i, k));
                }
            }
        }
        core.finishStep();
    }

    static void softmaxInPlace(double[] values, int length) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < length; j++) {
            max = Math.max(max, values[j]);
        }
        double sum = 0;
        for (int j = 0; j < length; j++) {
            values[j] = Math.exp(values[j] - max);
            sum += values[j];
        }
        for (int j = 0; j < length; j++) {
            values[j] /= sum;
        }
    }

    /** Euclidean projection onto {w >= 0, sum w = 1}; {@code scratch} holds at least {@code length} values. */
    static void projectToSimplexInPlace(double[] values, double[] scratch, int length) {
        for (int j = 0; j < length; j++) {
            double v = values[j];
            int p = j;
            while (p > 0 && scratch[p - 1] < v) {
                scratch[p] = scratch[p - 1];
                p--;
            }
            scratch[p] = v;
        }
        double cumulative = 0;
        double theta = 0;
        for (int j = 0; j < length; j++) {
            cumulative += scratch[j];
            double candidate = (cumulative - 1) / (j + 1);
            if (scratch[j] - candidate > 0) {
                theta = candidate;
            }
        }
        for (int j = 0; j < length; j++) {
            values[j] = Math.max(values[j] - theta, 0);
        }
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
        return assets;
    }

    @Override
    TradingCore core() {
        return core;
    }
}

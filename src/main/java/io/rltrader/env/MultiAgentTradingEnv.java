package io.rltrader.env;

import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.util.UserInputException;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Vectorized market of M agents trading one asset: each of the N env copies has M accounts (rows
 * {@code env * M + agent} of the step buffers), and each agent chooses {@code SELL/HOLD/BUY} of a
 * lot (int32 per row). The agents' orders move the price: with net order flow F (submitted shares,
 * after position limits) every order of that bar fills at {@code reference * (1 + bpsPerShare * 1e-4 * F)}
 * (then slippage). {@link Impact.Kind#TEMPORARY} impact affects only those fills;
 * {@link Impact.Kind#PERMANENT} impact also moves every later price of that copy by the same factor
 * (marks, observations' account state and later fills). Buys that the cash cannot pay for in full
 * fill partially; the impact is set by the submitted flow. All agents of a copy share the episode:
 * it terminates for all when any agent is ruined.
 */
public final class MultiAgentTradingEnv extends CoreBackedEnv {
    public static final int SELL = DiscreteTradingEnv.SELL;
    public static final int HOLD = DiscreteTradingEnv.HOLD;
    public static final int BUY = DiscreteTradingEnv.BUY;
    public static final int ACTIONS = DiscreteTradingEnv.ACTIONS;

    /** Linear market impact of the agents' net order flow. */
    public record Impact(Kind kind, double bpsPerShare) {
        public enum Kind { NONE, TEMPORARY, PERMANENT }

        public Impact {
            if (kind == null) {
                throw new UserInputException("impact kind must be NONE, TEMPORARY or PERMANENT");
            }
            if (!(bpsPerShare >= 0) || !Double.isFinite(bpsPerShare)) {
                throw new UserInputException("impact bpsPerShare must be a finite number >= 0, got " + bpsPerShare);
            }
        }

        public static Impact none() {
            return new Impact(Kind.NONE, 0);
        }

        public static Impact temporary(double bpsPerShare) {
            return new Impact(Kind.TEMPORARY, bpsPerShare);
        }

        public static Impact permanent(double bpsPerShare) {
            return new Impact(Kind.PERMANENT, bpsPerShare);
        }
    }

    /**
     * @param agents accounts per env copy (>= 1)
     * @param lot    shares per sell or buy (> 0)
     */
    public record Config(EnvConfig env, MarketConfig market, int agents, double lot, Impact impact) {
        public Config {
            if (env == null || market == null || impact == null) {
                throw new UserInputException("multi-agent env config needs env, market and impact settings");
            }
            if (agents < 1) {
                throw new UserInputException("multi-agent env agents must be >= 1, got " + agents);
            }
            if (!(lot > 0) || !Double.isFinite(lot)) {
                throw new UserInputException("multi-agent env lot must be a finite number of shares > 0, got " + lot);
            }
            if (!market.fractional() && lot != Math.rint(lot)) {
                throw new UserInputException("multi-agent env lot " + lot + " must be whole shares unless the"
                    + " market allows fractional quantities");
            }
            if (impact.kind() != Impact.Kind.NONE && impact.bpsPerShare() * 1e-4 * lot * agents >= 1) {
                throw new UserInputException("impact bpsPerShare " + impact.bpsPerShare() + " with " + agents
                    + " agents trading lots of " + lot + " could move the price to zero or below; expected"
                    + " bpsPerShare * lot * agents < 10000");
            }
        }

        /** The tutorial's multi-agent market (1 share lots, 100 share limit, no fee) with the given impact. */
        public static Config tutorial(int envs, int agents, Impact impact) {
            return new Config(EnvConfig.of(envs), MarketConfig.tutorialDefaults().withFeeRate(0), agents, 1, impact);
        }
    }

    private final TradingCore core;
    private final Accounts accounts;
    private final UnsafeBuffer actions;
    private final int agents;
    private final double lot;
    private final boolean impactOn;
    private final boolean permanent;
    private final double impactPerShare;
    private final double[] orders;
    private final double[] netFlow;
    private final double[] fillFactor;

    public MultiAgentTradingEnv(MarketData.Asset asset, FeatureMatrix features, Config config) {
        this.core = new TradingCore(List.of(asset), List.of(features), config.env(), config.market(),
            config.agents(), ACTIONS, true);
        this.accounts = core.accounts;
        this.actions = core.buffers.actions();
        this.agents = config.agents();
        this.lot = config.lot();
        this.impactOn = config.impact().kind() != Impact.Kind.NONE;
        this.permanent = config.impact().kind() == Impact.Kind.PERMANENT;
        this.impactPerShare = config.impact().bpsPerShare() * 1e-4;
        this.orders = new double[agents];
        this.netFlow = new double[core.envs];
        this.fillFactor = new double[core.envs];
    }

    @Override
    public void step() {
        int rows = core.rows;
        for (int row = 0; row < rows; row++) {
            int action = actions.getInt(StepBuffersDescriptor.discreteActionOffset(row));
            if (action < SELL || action > BUY) {
                throw new UserInputException("action of env " + row / agents + " agent " + row % agents + " is "
                    + action + ", expected 0 (sell), 1 (hold) or 2 (buy)");
            }
        }
        int envs = core.envs;
        for (int i = 0; i < envs; i++) {
            double flow = 0;
            int firstRow = i * agents;
            for (int m = 0; m < agents; m++) {
                int row = firstRow + m;
                int direction = actions.getInt(StepBuffersDescriptor.discreteActionOffset(row)) - HOLD;
                double held = accounts.shares(row, 0);
                double order = direction == 0 ? 0 : accounts.orderQuantity(held, held + direction * lot);
                orders[m] = order;
                flow += order;
            }
            double factor = impactOn ? 1 + impactPerShare * flow : 1;
            double price = core.referencePrice(i, 0) * factor;
            for (int m = 0; m < agents; m++) {
                accounts.execute(firstRow + m, 0, orders[m], price);
            }
            netFlow[i] = flow;
            fillFactor[i] = factor;
            if (permanent) {
                core.scalePrices(i, factor);
            }
        }
        core.finishStep();
    }

    /** Net submitted order flow (shares) of env {@code env} in the last step. */
    public double netFlow(int env) {
        return netFlow[env];
    }

    /** Factor the last step's impact applied to the fills of env {@code env}. */
    public double impactFactor(int env) {
        return fillFactor[env];
    }

    /** Cumulative permanent impact on the prices of env {@code env}'s current episode (1: none). */
    public double priceFactor(int env) {
        return core.priceFactor(env);
    }

    @Override
    public int envs() {
        return core.envs;
    }

    @Override
    public int agents() {
        return agents;
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

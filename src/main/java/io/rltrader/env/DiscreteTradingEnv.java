package io.rltrader.env;

import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.util.UserInputException;
import java.util.List;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Vectorized single-asset environment with three actions per env: {@link #SELL}, {@link #HOLD},
 * {@link #BUY} (int32 in the action buffer). In {@link ActionMode#LOT} mode they sell or buy a fixed
 * lot (the tutorial's 1 share, within the position limit); in {@link ActionMode#TARGET} mode they
 * set the target position: short, flat or long the whole equity (within the limit).
 */
public final class DiscreteTradingEnv extends CoreBackedEnv {
    public static final int SELL = 0;
    public static final int HOLD = 1;
    public static final int BUY = 2;
    public static final int ACTIONS = 3;
    /** Order groups: group {@code 2 * action + 1} for a short position, {@code 2 * action} else. */
    private static final int GROUPS = 2 * ACTIONS;
    /** Fewer envs trade in index order (measured: grouping one env cost about 15 ns a step). */
    private static final int MIN_ENVS_TO_GROUP = 8;

    public enum ActionMode {
        /** Sell / hold / buy {@code lot} shares. */
        LOT,
        /** Target position: short (-100% of equity), flat, long (+100%). */
        TARGET
    }

    /**
     * @param env    shape and episode settings
     * @param market market mechanics
     * @param mode   what the three actions mean
     * @param lot    shares per sell or buy in {@link ActionMode#LOT} mode (> 0)
     */
    public record Config(EnvConfig env, MarketConfig market, ActionMode mode, double lot) {
        public Config {
            if (env == null || market == null || mode == null) {
                throw new UserInputException("discrete env config needs env, market and mode settings");
            }
            if (!(lot > 0) || !Double.isFinite(lot)) {
                throw new UserInputException("discrete env lot must be a finite number of shares > 0, got " + lot);
            }
            if (!market.fractional() && lot != Math.rint(lot)) {
                throw new UserInputException("discrete env lot " + lot + " must be whole shares unless the market"
                    + " allows fractional quantities");
            }
        }

        /** The tutorial's environment: 1 share lots, 100 shares limit, its reward with position penalty. */
        public static Config tutorial(int envs) {
            return new Config(EnvConfig.of(envs).withReward(RewardConfig.tutorial())
                .withPositionEncoding(EnvConfig.PositionEncoding.LIMIT_FRACTION),
                MarketConfig.tutorialDefaults(), ActionMode.LOT, 1);
        }
    }

    private final TradingCore core;
    private final Accounts accounts;
    private final UnsafeBuffer actions;
    /** Raw address of the action buffer (one int32 per env, sized by the core): see {@link #step()}. */
    private final long actionsAddress;
    private final boolean lotMode;
    private final double lot;
    /** This step's envs by action and by the side of their position: see {@link #step()}. */
    private final OrderGroups groups;

    public DiscreteTradingEnv(MarketData.Asset asset, FeatureMatrix features, Config config) {
        this.core = new TradingCore(List.of(asset), List.of(features), config.env(), config.market(), 1, ACTIONS,
            true);
        this.accounts = core.accounts;
        this.actions = core.buffers.actions();
        if (actions.capacity() != (long) core.envs * StepBuffersDescriptor.DISCRETE_ACTION_BYTES) {
            throw new IllegalStateException("action buffer does not match " + core.envs + " envs");
        }
        this.actionsAddress = actions.addressOffset();
        this.lotMode = config.mode() == ActionMode.LOT;
        this.lot = config.lot();
        this.groups = new OrderGroups(GROUPS, core.envs);
    }

    /**
     * Checks every action first (a bad one changes nothing), then trades: from
     * {@value #MIN_ENVS_TO_GROUP} envs on grouped by action and by the side of the position (see
     * {@link OrderGroups}), below that in index order, where grouping costs more than it saves.
     */
    @Override
    public void step() {
        int envs = core.envs;
        if (envs < MIN_ENVS_TO_GROUP) {
            for (int i = 0; i < envs; i++) {
                checkAction(i, action(i));
            }
            for (int i = 0; i < envs; i++) {
                trade(i, action(i) - HOLD);
            }
        } else {
            groups.clear();
            for (int i = 0; i < envs; i++) {
                int action = action(i);
                checkAction(i, action);
                groups.add(2 * action + OrderGroups.signBit(accounts.shares(i, 0)), i);
            }
            for (int group = 0; group < GROUPS; group++) {
                int direction = group / 2 - HOLD;
                for (int j = 0; j < groups.size(group); j++) {
                    trade(groups.env(group, j), direction);
                }
            }
        }
        core.finishStep();
    }

    /** Lot mode: sells or buys one lot (nothing for a hold); target mode: moves to direction times the equity. */
    private void trade(int env, int direction) {
        if (lotMode) {
            if (direction != 0) {
                accounts.trade(env, 0, accounts.shares(env, 0) + direction * lot, core.referencePrice(env, 0));
            }
        } else {
            double price = core.referencePrice(env, 0);
            double equity = core.equityAtReference(env, env);
            accounts.trade(env, 0, equity > 0 ? direction * equity / price : 0, price);
        }
    }

    private static void checkAction(int env, int action) {
        // one unsigned comparison covers action < SELL (negative) and action > BUY
        if (Integer.compareUnsigned(action - SELL, BUY - SELL) > 0) {
            throw new UserInputException("action of env " + env + " is " + action
                + ", expected 0 (sell), 1 (hold) or 2 (buy)");
        }
    }

    private int action(int env) {
        return UnsafeApi.getInt(actionsAddress + StepBuffersDescriptor.discreteActionOffset(env));
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

package io.rltrader.env;

import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.util.UserInputException;
import java.util.Arrays;
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
    /** Trade groups: every action, from a long or flat position and from a short one. */
    private static final int GROUPS = 2 * ACTIONS;

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
    /**
     * This step's envs grouped by action and by the side of the position before the trade: group
     * {@code 2 * action + (short ? 1 : 0)} holds {@code groupSizes[group]} env indices from
     * {@code group * envs} on. See {@link #step()}.
     */
    private final int[] groups;
    private final int[] groupSizes = new int[GROUPS];

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
        this.groups = new int[GROUPS * core.envs];
    }

    /**
     * Checks every action first (a bad one changes nothing) and groups the envs by action and by
     * the side of their position, then trades group by group. Actions early in training are random,
     * and trading env by env in index order mispredicted the branches on the order's side (buy or
     * sell) and on the position's (adding to it or reducing it) in most envs, which cost more than
     * the rest of the step; within a group they mostly go the same way. The envs are independent
     * (own account, own prices), so the order in which they trade changes no result.
     */
    @Override
    public void step() {
        int envs = core.envs;
        int[] sizes = groupSizes;
        Arrays.fill(sizes, 0);
        for (int i = 0; i < envs; i++) {
            int action = action(i);
            // one unsigned comparison covers action < SELL (negative) and action > BUY
            if (Integer.compareUnsigned(action - SELL, BUY - SELL) > 0) {
                throw invalidAction(i, action);
            }
            // the sign bit: 1 for a short position; the grouping itself takes no branch
            int isShort = (int) (Double.doubleToRawLongBits(accounts.shares(i, 0)) >>> 63);
            int group = 2 * action + isShort;
            groups[group * envs + sizes[group]++] = i;
        }
        for (int group = 0; group < GROUPS; group++) {
            int direction = group / 2 - HOLD;
            if (lotMode) {
                if (direction != 0) {
                    tradeLots(group * envs, sizes[group], direction);
                }
            } else {
                tradeTargets(group * envs, sizes[group], direction);
            }
        }
        core.finishStep();
    }

    /** Sells or buys one lot in the {@code count} envs listed in {@code groups} from {@code first} on. */
    private void tradeLots(int first, int count, int direction) {
        for (int j = first; j < first + count; j++) {
            int i = groups[j];
            accounts.trade(i, 0, accounts.shares(i, 0) + direction * lot, core.referencePrice(i, 0));
        }
    }

    /** Moves the {@code count} envs listed from {@code first} on to {@code direction} times their equity. */
    private void tradeTargets(int first, int count, int direction) {
        for (int j = first; j < first + count; j++) {
            int i = groups[j];
            double price = core.referencePrice(i, 0);
            double equity = core.equityAtReference(i, i);
            accounts.trade(i, 0, equity > 0 ? direction * equity / price : 0, price);
        }
    }

    private int action(int env) {
        return UnsafeApi.getInt(actionsAddress + StepBuffersDescriptor.discreteActionOffset(env));
    }

    private static UserInputException invalidAction(int env, int action) {
        return new UserInputException("action of env " + env + " is " + action
            + ", expected 0 (sell), 1 (hold) or 2 (buy)");
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

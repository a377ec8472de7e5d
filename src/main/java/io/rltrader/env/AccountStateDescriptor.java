package io.rltrader.env;

/**
 * Layout of the account-state block at the end of every observation, after the feature windows
 * (W rows of F features per asset). For K assets it holds K + 3 float32 values:
 *
 * <pre>
 * [0, K)  position of asset k: value over equity, or shares over the position limit
 * K       cash over equity
 * K + 1   unrealized PnL against the average entry price, over the initial cash
 * K + 2   bars since the position was opened or changed side, over EnvConfig.timeScale
 * </pre>
 *
 * Ratios over equity are 0 when equity is gone: at or below 1e-12 of the initial cash (zero or
 * negative after a loss, or so small that dividing by it would overflow). Every value is checked to
 * be finite when it is written; one that is not (prices or positions beyond float32) stops the step
 * with an error naming the env row and the bar.
 */
public final class AccountStateDescriptor {
    /** Entries after the K position entries. */
    public static final int TRAILING_ENTRIES = 3;

    private AccountStateDescriptor() {
    }

    public static int length(int assets) {
        return assets + TRAILING_ENTRIES;
    }

    public static int positionIndex(int asset) {
        return asset;
    }

    public static int cashFractionIndex(int assets) {
        return assets;
    }

    public static int unrealizedPnlIndex(int assets) {
        return assets + 1;
    }

    public static int timeInPositionIndex(int assets) {
        return assets + 2;
    }
}

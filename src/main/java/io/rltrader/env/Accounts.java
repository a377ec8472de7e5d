package io.rltrader.env;

import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;

/**
 * Cash, positions and running totals of every account of a vectorized environment (one per env
 * copy, or one per agent in multi-agent environments), in float64 arrays allocated once, and the
 * market mechanics that change them: {@link #trade} fills an order with fees, slippage, position
 * limits, whole or fractional shares and partial fills when cash is short; {@link #mark} charges
 * borrow cost and marks to market.
 *
 * <p>Invariant after every operation, per account:
 * {@code cash == initialCash - buyNotional + sellNotional - fees - borrowCost}, and
 * {@code equity == cash + sum(shares * markPrice)} after each mark.
 */
public final class Accounts {
    private final int accounts;
    private final int assets;
    private final double initialCash;
    private final double feeRate;
    private final double fixedFee;
    private final double buyPriceFactor;
    private final double sellPriceFactor;
    private final double maxPosition;
    private final double minPosition;
    private final boolean fractional;
    private final double minTradeValue;
    private final double borrowRatePerBar;

    private final double[] cash;
    private final double[] shares;
    private final double[] entryPrice;
    private final double[] equity;
    private final double[] fees;
    private final double[] buyNotional;
    private final double[] sellNotional;
    private final double[] borrowCost;
    private final int[] trades;
    private final int[] barsInPosition;

    Accounts(int accounts, int assets, MarketConfig market) {
        this.accounts = accounts;
        this.assets = assets;
        this.initialCash = market.initialCash();
        this.feeRate = market.feeRate();
        this.fixedFee = market.fixedFee();
        this.buyPriceFactor = 1 + market.slippageBps() * 1e-4;
        this.sellPriceFactor = 1 - market.slippageBps() * 1e-4;
        this.maxPosition = market.maxPosition();
        this.minPosition = market.allowShort() ? -market.maxPosition() : 0;
        this.fractional = market.fractional();
        this.minTradeValue = market.minTradeValue();
        this.borrowRatePerBar = market.borrowRatePerBar();
        this.cash = new double[accounts];
        this.shares = new double[accounts * assets];
        this.entryPrice = new double[accounts * assets];
        this.equity = new double[accounts];
        this.fees = new double[accounts];
        this.buyNotional = new double[accounts];
        this.sellNotional = new double[accounts];
        this.borrowCost = new double[accounts];
        this.trades = new int[accounts];
        this.barsInPosition = new int[accounts];
        for (int a = 0; a < accounts; a++) {
            reset(a);
        }
    }

    /** Starts a new episode: all cash, no position, totals zero. */
    void reset(int account) {
        cash[account] = initialCash;
        equity[account] = initialCash;
        fees[account] = 0;
        buyNotional[account] = 0;
        sellNotional[account] = 0;
        borrowCost[account] = 0;
        trades[account] = 0;
        barsInPosition[account] = 0;
        int base = account * assets;
        for (int k = 0; k < assets; k++) {
            shares[base + k] = 0;
            entryPrice[base + k] = 0;
        }
    }

    /** A desired position within the position limits (and at or above zero without shorting). */
    double clampTarget(double targetShares) {
        return Math.max(minPosition, Math.min(maxPosition, targetShares));
    }

    /** The order that moves {@code held} shares toward {@code targetShares}: clamped, rounded toward zero. */
    double orderQuantity(double held, double targetShares) {
        double quantity = clampTarget(targetShares) - held;
        if (!fractional) {
            quantity = quantity >= 0 ? Math.floor(quantity) : Math.ceil(quantity);
        }
        return quantity;
    }

    /**
     * Moves the account's position in {@code asset} toward {@code targetShares} (clamped to the
     * limits), filling at {@code referencePrice} moved by slippage. A buy larger than the cash
     * allows (fees included) is filled partially, as far as the cash goes. Returns the signed
     * quantity executed (0 when nothing traded).
     */
    double trade(int account, int asset, double targetShares, double referencePrice) {
        double quantity = orderQuantity(shares[account * assets + asset], targetShares);
        return execute(account, asset, quantity, referencePrice);
    }

    /** Executes a signed order of {@code quantity} shares (already limit-checked and rounded). */
    double execute(int account, int asset, double quantity, double referencePrice) {
        if (quantity > 0) {
            return buy(account, asset, quantity, referencePrice * buyPriceFactor);
        }
        if (quantity < 0) {
            return -sell(account, asset, -quantity, referencePrice * sellPriceFactor);
        }
        return 0;
    }

    private double buy(int account, int asset, double quantity, double price) {
        double costPerShare = price * (1 + feeRate);
        if (quantity * costPerShare + fixedFee > cash[account]) {
            double affordable = (cash[account] - fixedFee) / costPerShare;
            quantity = fractional ? affordable : Math.floor(affordable);
        }
        double notional = quantity * price;
        if (!(quantity > 0) || notional < minTradeValue) {
            return 0;
        }
        double fee = notional * feeRate + fixedFee;
        cash[account] -= notional + fee;
        buyNotional[account] += notional;
        fees[account] += fee;
        trades[account]++;
        applyFill(account, asset, quantity, price);
        return quantity;
    }

    private double sell(int account, int asset, double quantity, double price) {
        double notional = quantity * price;
        if (notional < minTradeValue) {
            return 0;
        }
        double fee = notional * feeRate + fixedFee;
        cash[account] += notional - fee;
        sellNotional[account] += notional;
        fees[account] += fee;
        trades[account]++;
        applyFill(account, asset, -quantity, price);
        return quantity;
    }

    /** Position and average entry price after a fill of signed {@code quantity} at {@code price}. */
    private void applyFill(int account, int asset, double quantity, double price) {
        int slot = account * assets + asset;
        double before = shares[slot];
        double after = before + quantity;
        shares[slot] = after;
        if (after == 0) {
            entryPrice[slot] = 0;
        } else if (before == 0 || (before > 0) != (after > 0)) {
            entryPrice[slot] = price;
        } else if (Math.abs(after) > Math.abs(before)) {
            entryPrice[slot] = (Math.abs(before) * entryPrice[slot] + Math.abs(quantity) * price) / Math.abs(after);
        }
        if (Math.signum(before) != Math.signum(after)) {
            barsInPosition[account] = 0;
        }
    }

    /**
     * End of a bar: charges borrow cost on short positions at the marks, counts bars in position and
     * marks to market. {@code marks[base + k] * priceFactor} is asset k's closing price. Returns equity.
     */
    double mark(int account, double[] marks, int base, double priceFactor) {
        int slot = account * assets;
        double value = 0;
        boolean flat = true;
        for (int k = 0; k < assets; k++) {
            double held = shares[slot + k];
            if (held != 0) {
                flat = false;
                double price = marks[base + k] * priceFactor;
                value += held * price;
                if (held < 0 && borrowRatePerBar > 0) {
                    double cost = -held * price * borrowRatePerBar;
                    cash[account] -= cost;
                    borrowCost[account] += cost;
                }
            }
        }
        barsInPosition[account] = flat ? 0 : barsInPosition[account] + 1;
        double marked = cash[account] + value;
        equity[account] = marked;
        return marked;
    }

    /**
     * {@link #mark} of an account of a one-asset environment at close {@code close * priceFactor}:
     * the same arithmetic in the same order, without the loop over assets.
     */
    double markOneAsset(int account, double close, double priceFactor) {
        double held = shares[account];
        double value = 0;
        if (held != 0) {
            double price = close * priceFactor;
            value += held * price;
            if (held < 0 && borrowRatePerBar > 0) {
                double cost = -held * price * borrowRatePerBar;
                cash[account] -= cost;
                borrowCost[account] += cost;
            }
        }
        barsInPosition[account] = held == 0 ? 0 : barsInPosition[account] + 1;
        double marked = cash[account] + value;
        equity[account] = marked;
        return marked;
    }

    /** Equity at the given prices, without changing anything (for sizing orders). */
    double equityAt(int account, double[] prices, int base, double priceFactor) {
        int slot = account * assets;
        double value = cash[account];
        for (int k = 0; k < assets; k++) {
            value += shares[slot + k] * prices[base + k] * priceFactor;
        }
        return value;
    }

    public int accounts() {
        return accounts;
    }

    public int assets() {
        return assets;
    }

    public double initialCash() {
        return initialCash;
    }

    public double cash(int account) {
        return cash[account];
    }

    public double shares(int account, int asset) {
        return shares[account * assets + asset];
    }

    /** Average price paid for the current position (0 when flat). */
    public double entryPrice(int account, int asset) {
        return entryPrice[account * assets + asset];
    }

    /** Equity at the last mark (the close of the current decision bar). */
    public double equity(int account) {
        return equity[account];
    }

    /** Fees paid this episode (proportional and fixed). */
    public double fees(int account) {
        return fees[account];
    }

    /** Sum of quantity times fill price of all buys this episode. */
    public double buyNotional(int account) {
        return buyNotional[account];
    }

    /** Sum of quantity times fill price of all sells this episode. */
    public double sellNotional(int account) {
        return sellNotional[account];
    }

    /** Borrow cost paid on shorts this episode. */
    public double borrowCost(int account) {
        return borrowCost[account];
    }

    /** Orders executed this episode. */
    public int trades(int account) {
        return trades[account];
    }

    /** Bars since the position was opened or changed side (0 when flat). */
    public int barsInPosition(int account) {
        return barsInPosition[account];
    }

    /** Every account's cash, positions and running totals, for run snapshots. */
    void writeState(StateWriter out) {
        out.doubles("cash", cash);
        out.doubles("shares", shares);
        out.doubles("entryPrice", entryPrice);
        out.doubles("equity", equity);
        out.doubles("fees", fees);
        out.doubles("buyNotional", buyNotional);
        out.doubles("sellNotional", sellNotional);
        out.doubles("borrowCost", borrowCost);
        out.ints("trades", trades);
        out.ints("barsInPosition", barsInPosition);
    }

    void readState(StateReader in) {
        copy(in.doubles("cash", cash.length), cash);
        copy(in.doubles("shares", shares.length), shares);
        copy(in.doubles("entryPrice", entryPrice.length), entryPrice);
        copy(in.doubles("equity", equity.length), equity);
        copy(in.doubles("fees", fees.length), fees);
        copy(in.doubles("buyNotional", buyNotional.length), buyNotional);
        copy(in.doubles("sellNotional", sellNotional.length), sellNotional);
        copy(in.doubles("borrowCost", borrowCost.length), borrowCost);
        System.arraycopy(in.ints("trades", trades.length), 0, trades, 0, trades.length);
        System.arraycopy(in.ints("barsInPosition", barsInPosition.length), 0, barsInPosition, 0, accounts);
    }

    private static void copy(double[] from, double[] to) {
        System.arraycopy(from, 0, to, 0, to.length);
    }
}

package io.rltrader.env;

import io.rltrader.util.UserInputException;

/**
 * Market mechanics shared by every environment kind: how orders fill and what they cost.
 *
 * <p>Cash flows: buying q shares at fill price p with proportional fee c takes {@code q*p*(1+c)}
 * plus {@link #fixedFee()} from cash; selling adds {@code q*p*(1-c)} minus the fixed fee. The fill
 * price is the reference price (the close of the decision bar, or the next bar's open) moved
 * against the trader by {@link #slippageBps()}: {@code p*(1+s)} for buys, {@code p*(1-s)} for
 * sells. Equity is {@code cash + sum(shares*close)}.
 *
 * @param initialCash      cash of every account at the start of an episode (> 0)
 * @param feeRate          proportional fee on traded notional (0.001 = 10 bps), >= 0
 * @param fixedFee         fee per executed order, in cash, >= 0
 * @param slippageBps      adverse price move per fill in basis points, >= 0
 * @param fill             where orders decided at bar t execute
 * @param fractional       fractional share quantities; otherwise orders are truncated to whole shares
 * @param maxPosition      largest absolute position per asset in shares (infinity: no limit)
 * @param allowShort       whether positions may go below zero
 * @param borrowRatePerBar cost per bar of holding a short, as a fraction of the short notional at the close
 * @param ruinFraction     the episode terminates when equity falls to or below this fraction of the
 *                         initial cash (0: when equity is gone), in [0, 1)
 * @param minTradeValue    orders whose notional is below this many units of cash are not sent (so
 *                         rounding noise never becomes a trade), >= 0
 */
public record MarketConfig(double initialCash, double feeRate, double fixedFee, double slippageBps, Fill fill,
                           boolean fractional, double maxPosition, boolean allowShort, double borrowRatePerBar,
                           double ruinFraction, double minTradeValue) {

    /** Where an order decided at bar t (seeing data up to t) executes. */
    public enum Fill {
        /** At the close of bar t, the price the agent has just observed (the tutorial's rule). */
        CLOSE,
        /** At the open of bar t+1 ({@code Asset.openOrPreviousPrice(t+1)}). */
        NEXT_OPEN
    }

    public MarketConfig {
        requireFinite("initialCash", initialCash);
        if (!(initialCash > 0)) {
            throw new UserInputException("market initialCash must be > 0, got " + initialCash);
        }
        requireNonNegative("feeRate", feeRate);
        if (feeRate >= 1) {
            throw new UserInputException("market feeRate must be < 1 (a fraction of notional), got " + feeRate);
        }
        requireNonNegative("fixedFee", fixedFee);
        requireNonNegative("slippageBps", slippageBps);
        if (slippageBps >= 10_000) {
            throw new UserInputException("market slippageBps must be < 10000, got " + slippageBps);
        }
        if (fill == null) {
            throw new UserInputException("market fill must be CLOSE or NEXT_OPEN, got null");
        }
        if (Double.isNaN(maxPosition) || !(maxPosition > 0)) {
            throw new UserInputException("market maxPosition must be > 0 shares (or infinity), got " + maxPosition);
        }
        requireNonNegative("borrowRatePerBar", borrowRatePerBar);
        requireNonNegative("ruinFraction", ruinFraction);
        if (ruinFraction >= 1) {
            throw new UserInputException("market ruinFraction must be in [0, 1), got " + ruinFraction);
        }
        requireNonNegative("minTradeValue", minTradeValue);
    }

    /**
     * The tutorial's market: 10,000 cash, 0.1% fee, fills at the observed close, whole shares,
     * at most 100 shares long or short, no borrow cost, episode ends when equity is gone.
     */
    public static MarketConfig tutorialDefaults() {
        return new MarketConfig(10_000.0, 0.001, 0, 0, Fill.CLOSE, false, 100, true, 0, 0, 0.01);
    }

    /** No costs, fractional shares, no position limit, long only: buy-and-hold and accounting checks. */
    public static MarketConfig frictionless() {
        return new MarketConfig(10_000.0, 0, 0, 0, Fill.CLOSE, true, Double.POSITIVE_INFINITY, false, 0, 0, 0.01);
    }

    public MarketConfig withInitialCash(double value) {
        return new MarketConfig(value, feeRate, fixedFee, slippageBps, fill, fractional, maxPosition, allowShort,
            borrowRatePerBar, ruinFraction, minTradeValue);
    }

    public MarketConfig withFeeRate(double value) {
        return new MarketConfig(initialCash, value, fixedFee, slippageBps, fill, fractional, maxPosition, allowShort,
            borrowRatePerBar, ruinFraction, minTradeValue);
    }

    public MarketConfig withFixedFee(double value) {
        return new MarketConfig(initialCash, feeRate, value, slippageBps, fill, fractional, maxPosition, allowShort,
            borrowRatePerBar, ruinFraction, minTradeValue);
    }

    public MarketConfig withSlippageBps(double value) {
        return new MarketConfig(initialCash, feeRate, fixedFee, value, fill, fractional, maxPosition, allowShort,
            borrowRatePerBar, ruinFraction, minTradeValue);
    }

    public MarketConfig withFill(Fill value) {
        return new MarketConfig(initialCash, feeRate, fixedFee, slippageBps, value, fractional, maxPosition, allowShort,
            borrowRatePerBar, ruinFraction, minTradeValue);
    }

    public MarketConfig withFractional(boolean value) {
        return new MarketConfig(initialCash, feeRate, fixedFee, slippageBps, fill, value, maxPosition, allowShort,
            borrowRatePerBar, ruinFraction, minTradeValue);
    }

    public MarketConfig withMaxPosition(double value) {
        return new MarketConfig(initialCash, feeRate, fixedFee, slippageBps, fill, fractional, value, allowShort,
            borrowRatePerBar, ruinFraction, minTradeValue);
    }

    public MarketConfig withAllowShort(boolean value) {
        return new MarketConfig(initialCash, feeRate, fixedFee, slippageBps, fill, fractional, maxPosition, value,
            borrowRatePerBar, ruinFraction, minTradeValue);
    }

    public MarketConfig withBorrowRatePerBar(double value) {
        return new MarketConfig(initialCash, feeRate, fixedFee, slippageBps, fill, fractional, maxPosition, allowShort,
            value, ruinFraction, minTradeValue);
    }

    public MarketConfig withRuinFraction(double value) {
        return new MarketConfig(initialCash, feeRate, fixedFee, slippageBps, fill, fractional, maxPosition, allowShort,
            borrowRatePerBar, value, minTradeValue);
    }

    public MarketConfig withMinTradeValue(double value) {
        return new MarketConfig(initialCash, feeRate, fixedFee, slippageBps, fill, fractional, maxPosition, allowShort,
            borrowRatePerBar, ruinFraction, value);
    }

    private static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new UserInputException("market " + name + " must be a finite number, got " + value);
        }
    }

    private static void requireNonNegative(String name, double value) {
        requireFinite(name, value);
        if (value < 0) {
            throw new UserInputException("market " + name + " must be >= 0, got " + value);
        }
    }
}

package io.rltrader.env;

/**
 * A slow, obvious single-asset account that follows the documented market rules line by line,
 * written independently of {@link Accounts}, as the oracle for the vectorized environments.
 */
final class ReferenceTrader {
    private final MarketConfig market;
    double cash;
    double shares;
    double fees;
    double borrow;
    double equity;
    int trades;

    ReferenceTrader(MarketConfig market) {
        this.market = market;
        reset();
    }

    void reset() {
        cash = market.initialCash();
        shares = 0;
        fees = 0;
        borrow = 0;
        equity = market.initialCash();
        trades = 0;
    }

    /** Trades toward {@code target} shares at {@code referencePrice} (before slippage). */
    void orderTo(double target, double referencePrice) {
        double lowest = market.allowShort() ? -market.maxPosition() : 0;
        if (target > market.maxPosition()) {
            target = market.maxPosition();
        }
        if (target < lowest) {
            target = lowest;
        }
        double quantity = target - shares;
        if (!market.fractional()) {
            quantity = quantity > 0 ? Math.floor(quantity) : Math.ceil(quantity);
        }
        double slippage = market.slippageBps() / 10_000;
        if (quantity > 0) {
            double price = referencePrice * (1 + slippage);
            double mostAffordable = (cash - market.fixedFee()) / (price * (1 + market.feeRate()));
            if (quantity > mostAffordable) {
                quantity = market.fractional() ? mostAffordable : Math.floor(mostAffordable);
            }
            if (quantity <= 0 || quantity * price < market.minTradeValue()) {
                return;
            }
            cash = cash - quantity * price * (1 + market.feeRate()) - market.fixedFee();
            fees += quantity * price * market.feeRate() + market.fixedFee();
            shares += quantity;
            trades++;
        } else if (quantity < 0) {
            double sold = -quantity;
            double price = referencePrice * (1 - slippage);
            if (sold * price < market.minTradeValue()) {
                return;
            }
            cash = cash + sold * price * (1 - market.feeRate()) - market.fixedFee();
            fees += sold * price * market.feeRate() + market.fixedFee();
            shares -= sold;
            trades++;
        }
    }

    /** Close of a bar: borrow cost on a short, then equity. Returns the change in equity. */
    double markAt(double close) {
        if (shares < 0) {
            double cost = -shares * close * market.borrowRatePerBar();
            cash -= cost;
            borrow += cost;
        }
        double before = equity;
        equity = cash + shares * close;
        return equity - before;
    }
}

package io.rltrader.env;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The order mechanics of {@link Accounts}, one rule at a time, with hand-computed cash flows. */
class AccountsTest {
    private static final double CENT = 0.005;

    private static Accounts one(MarketConfig market) {
        return new Accounts(1, 1, market);
    }

    @Test
    void buyingTakesQuantityTimesPriceTimesOnePlusFeeFromCash() {
        Accounts accounts = one(MarketConfig.tutorialDefaults().withMaxPosition(1000));
        double executed = accounts.trade(0, 0, 7, 101.25);
        assertEquals(7, executed);
        assertEquals(10_000 - 7 * 101.25 * 1.001, accounts.cash(0), 1e-9);
        assertEquals(7 * 101.25 * 0.001, accounts.fees(0), 1e-12);
        assertEquals(7 * 101.25, accounts.buyNotional(0), 1e-12);
        assertEquals(7, accounts.shares(0, 0));
        assertEquals(1, accounts.trades(0));
    }

    @Test
    void sellingAddsQuantityTimesPriceTimesOneMinusFeeLessFixedFee() {
        Accounts accounts = one(MarketConfig.tutorialDefaults().withFixedFee(2.5).withMaxPosition(1000));
        accounts.trade(0, 0, 10, 50);
        double cashAfterBuy = 10_000 - 10 * 50 * 1.001 - 2.5;
        assertEquals(cashAfterBuy, accounts.cash(0), 1e-9);
        accounts.trade(0, 0, 4, 60);
        assertEquals(cashAfterBuy + 6 * 60 * 0.999 - 2.5, accounts.cash(0), 1e-9);
        assertEquals(10 * 50 * 0.001 + 2.5 + 6 * 60 * 0.001 + 2.5, accounts.fees(0), 1e-12);
        assertEquals(4, accounts.shares(0, 0));
        assertEquals(360, accounts.sellNotional(0), 1e-12);
    }

    @Test
    void slippageMovesTheFillPriceAgainstTheTrader() {
        Accounts accounts = one(MarketConfig.tutorialDefaults().withFeeRate(0).withSlippageBps(25)
            .withMaxPosition(1000));
        accounts.trade(0, 0, 10, 100);
        assertEquals(10_000 - 10 * 100 * 1.0025, accounts.cash(0), 1e-9);
        assertEquals(100 * 1.0025, accounts.entryPrice(0, 0), 1e-12);
        accounts.trade(0, 0, 0, 100);
        assertEquals(10_000 - 10 * 100 * 1.0025 + 10 * 100 * 0.9975, accounts.cash(0), 1e-9);
        assertEquals(0, accounts.entryPrice(0, 0));
    }

    @Test
    void buyBeyondCashIsFilledAsFarAsCashGoesFeesIncluded() {
        MarketConfig market = MarketConfig.frictionless().withFeeRate(0.01).withFixedFee(10);
        Accounts accounts = one(market);
        double executed = accounts.trade(0, 0, 1_000, 100);
        double expected = (10_000 - 10) / (100 * 1.01);
        assertEquals(expected, executed, 1e-9);
        assertEquals(0, accounts.cash(0), CENT);
        assertEquals(expected, accounts.shares(0, 0), 1e-9);

        Accounts whole = one(market.withFractional(false));
        assertEquals(Math.floor(expected), whole.trade(0, 0, 1_000, 100));
        assertEquals(10_000 - 98 * 100 * 1.01 - 10, whole.cash(0), 1e-9);
    }

    @Test
    void positionLimitsAndShortingRulesClampTheTarget() {
        Accounts longOnly = one(MarketConfig.tutorialDefaults().withAllowShort(false).withMaxPosition(5));
        assertEquals(5, longOnly.trade(0, 0, 8, 10));
        assertEquals(-5, longOnly.trade(0, 0, -3, 10));
        assertEquals(0, longOnly.shares(0, 0));

        Accounts shorting = one(MarketConfig.tutorialDefaults().withMaxPosition(5));
        assertEquals(-5, shorting.trade(0, 0, -9, 10));
        assertEquals(10_000 + 5 * 10 * 0.999, shorting.cash(0), 1e-9);
    }

    @Test
    void wholeShareOrdersAreTruncatedTowardZero() {
        Accounts accounts = one(MarketConfig.tutorialDefaults().withMaxPosition(100));
        assertEquals(3, accounts.trade(0, 0, 3.9, 10));
        assertEquals(-5, accounts.trade(0, 0, -2.2, 10));
        assertEquals(-2, accounts.shares(0, 0));
    }

    @Test
    void ordersBelowTheMinimumValueAreNotSent() {
        Accounts accounts = one(MarketConfig.frictionless().withFixedFee(1).withMinTradeValue(5));
        assertEquals(0, accounts.trade(0, 0, 0.04, 100));
        assertEquals(10_000, accounts.cash(0));
        assertEquals(0, accounts.trades(0));
    }

    @Test
    void entryPriceIsTheAverageCostAndResetsWhenThePositionFlips() {
        Accounts accounts = one(MarketConfig.tutorialDefaults().withFeeRate(0).withMaxPosition(100));
        accounts.trade(0, 0, 10, 100);
        accounts.trade(0, 0, 30, 110);
        assertEquals((10 * 100 + 20 * 110) / 30.0, accounts.entryPrice(0, 0), 1e-12);
        accounts.trade(0, 0, 15, 120);
        assertEquals((10 * 100 + 20 * 110) / 30.0, accounts.entryPrice(0, 0), 1e-12);
        accounts.trade(0, 0, -5, 90);
        assertEquals(90, accounts.entryPrice(0, 0), 1e-12);
    }

    @Test
    void markChargesBorrowOnShortNotionalAndValuesThePosition() {
        Accounts accounts = one(MarketConfig.tutorialDefaults().withFeeRate(0).withBorrowRatePerBar(0.001));
        accounts.trade(0, 0, -20, 50);
        double[] marks = {55};
        double equity = accounts.mark(0, marks, 0, 1);
        double borrow = 20 * 55 * 0.001;
        assertEquals(borrow, accounts.borrowCost(0), 1e-12);
        assertEquals(10_000 + 1_000 - borrow, accounts.cash(0), 1e-9);
        assertEquals(10_000 + 1_000 - borrow - 20 * 55, equity, 1e-9);
        assertEquals(1, accounts.barsInPosition(0));
        accounts.mark(0, marks, 0, 1);
        assertEquals(2, accounts.barsInPosition(0));
        accounts.trade(0, 0, 3, 55);
        accounts.mark(0, marks, 0, 1);
        assertEquals(1, accounts.barsInPosition(0), "flipping side restarts the count");
    }
}

package io.rltrader.backtest;

import io.rltrader.data.DoubleColumn;
import io.rltrader.data.Indicators;
import io.rltrader.data.MarketData;
import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;

/**
 * A rule-based baseline: the target fraction of equity in the asset, in [-1, 1], decided at bar t
 * from data up to and including t only. Run through {@link Backtester} on the continuous
 * environment's mechanics, so fees, slippage, fills and shorting rules are those of the agents.
 */
public interface Strategy {
    /** Name used in reports. */
    String name();

    /** Target position (fraction of equity) decided at bar {@code row}. */
    double target(int row);

    /** Holds all equity in the asset from the first bar on. */
    static Strategy buyAndHold() {
        return new Strategy() {
            @Override
            public String name() {
                return "buy-and-hold";
            }

            @Override
            public double target(int row) {
                return 1.0;
            }
        };
    }

    /** A seeded coin: long or flat (long, flat or short where shorting is allowed) with equal probability each bar. */
    static Strategy random(long seed, boolean allowShort) {
        Rng rng = new Rng(seed);
        return new Strategy() {
            @Override
            public String name() {
                return "random";
            }

            @Override
            public double target(int row) {
                return allowShort ? rng.nextInt(3) - 1 : rng.nextInt(2);
            }
        };
    }

    /** Long while the fast simple moving average of closes is above the slow one, flat otherwise. */
    static Strategy smaCrossover(MarketData.Asset asset, int fast, int slow) {
        if (fast < 1 || slow <= fast) {
            throw new UserInputException("sma-crossover:FAST,SLOW needs 1 <= FAST < SLOW, got " + fast + "," + slow);
        }
        DoubleColumn close = asset.price();
        DoubleColumn fastSma = DoubleColumn.of("sma" + fast, new double[close.length()]);
        DoubleColumn slowSma = DoubleColumn.of("sma" + slow, new double[close.length()]);
        Indicators.sma(close, fast, fastSma);
        Indicators.sma(close, slow, slowSma);
        String name = "sma-crossover:" + fast + "," + slow;
        return new Strategy() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double target(int row) {
                double f = fastSma.get(row);
                double s = slowSma.get(row);
                return Double.isFinite(f) && Double.isFinite(s) && f > s ? 1.0 : 0.0;
            }
        };
    }

    /** Parses {@code buy-and-hold}, {@code random} or {@code sma-crossover:FAST,SLOW}. */
    static Strategy parse(String spec, MarketData.Asset asset, long seed, boolean allowShort) {
        String s = spec == null ? "" : spec.trim();
        if (s.equals("buy-and-hold")) {
            return buyAndHold();
        }
        if (s.equals("random")) {
            return random(seed, allowShort);
        }
        if (s.startsWith("sma-crossover:")) {
            String[] parts = s.substring("sma-crossover:".length()).split(",");
            if (parts.length == 2) {
                try {
                    return smaCrossover(asset, Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
                } catch (NumberFormatException ignored) {
                    // reported below
                }
            }
        }
        throw new UserInputException("--strategy '" + spec + "': expected buy-and-hold, random or"
            + " sma-crossover:FAST,SLOW (for example sma-crossover:20,50)");
    }
}

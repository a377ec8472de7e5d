package io.rltrader.cli;

import io.rltrader.env.MarketConfig;
import io.rltrader.util.UserInputException;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Market-mechanics flags shared by backtest, train and evaluate. */
public final class MarketOptions {
    @Option(names = "--cost", paramLabel = "C", defaultValue = "0.001",
        description = "Proportional fee on traded notional, e.g. 0.001 = 0.1% (default ${DEFAULT-VALUE}).")
    double cost;

    @Option(names = "--slippage-bps", paramLabel = "B", defaultValue = "0",
        description = "Slippage in basis points of the fill price (default ${DEFAULT-VALUE}).")
    double slippageBps;

    @Option(names = "--fill", paramLabel = "close|next-open", defaultValue = "close",
        description = "Fill orders at the decision bar's close or the next bar's open (default ${DEFAULT-VALUE}).")
    String fill;

    @Option(names = "--allow-short", description = "Allow short positions (default: long only).")
    boolean allowShort;

    @Option(names = "--initial-cash", paramLabel = "X", defaultValue = "10000",
        description = "Starting cash (default ${DEFAULT-VALUE}).")
    double initialCash;

    public MarketConfig market() {
        MarketConfig.Fill mode = switch (fill.trim().toLowerCase(Locale.ROOT)) {
            case "close" -> MarketConfig.Fill.CLOSE;
            case "next-open" -> MarketConfig.Fill.NEXT_OPEN;
            default -> throw new UserInputException("--fill '" + fill + "': expected close or next-open");
        };
        if (!(cost >= 0) || !Double.isFinite(cost)) {
            throw new UserInputException("--cost " + cost + ": expected a fee rate >= 0, e.g. 0.001");
        }
        if (!(slippageBps >= 0) || !Double.isFinite(slippageBps)) {
            throw new UserInputException("--slippage-bps " + slippageBps + ": expected basis points >= 0");
        }
        if (!(initialCash > 0) || !Double.isFinite(initialCash)) {
            throw new UserInputException("--initial-cash " + initialCash + ": expected an amount > 0");
        }
        return MarketConfig.frictionless().withInitialCash(initialCash).withFeeRate(cost).withSlippageBps(slippageBps)
            .withFill(mode).withAllowShort(allowShort);
    }
}

package io.rltrader.backtest;

import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.Normalization;
import io.rltrader.data.RowRange;
import io.rltrader.env.Accounts;
import io.rltrader.env.ContinuousTradingEnv;
import io.rltrader.env.EnvConfig;
import io.rltrader.env.MarketConfig;
import io.rltrader.env.EpisodeStats;
import io.rltrader.env.StepBuffers;
import io.rltrader.env.VectorEnv;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one pass over an environment's rows with a single copy, recording equity and position after
 * every step, and summarizes it. The environment supplies the market mechanics (fees, slippage,
 * fill at close or next open, shorting, position limits), so baselines and agents are measured on
 * exactly the rules the agents trained on.
 */
public final class Backtester {
    /** Writes the action of env row 0 for the decision at {@code bar}, before the step. */
    @FunctionalInterface
    public interface Decision {
        void decide(int bar, StepBuffers buffers);
    }

    private Backtester() {
    }

    /**
     * The environment rule-based strategies run on: one continuous (target-fraction) copy over
     * {@code rows} of {@code asset} (null: all rows), whose observation is a feature defined from
     * the first bar, so the backtest starts at the range's first bar.
     */
    public static ContinuousTradingEnv continuousEnv(MarketData data, MarketData.Asset asset, RowRange rows,
                                                     MarketConfig market) {
        FeatureMatrix features = FeatureMatrix.build(data, asset, List.of("sma:1"), Normalization.none());
        return new ContinuousTradingEnv(asset, features,
            new ContinuousTradingEnv.Config(EnvConfig.of(1).withRows(rows), market));
    }

    /** A rule-based strategy on a continuous (target-fraction) environment. */
    public static BacktestResult run(Strategy strategy, VectorEnv env, double periodsPerYear) {
        return run(strategy.name(), env, (bar, buffers) ->
            buffers.putContinuousAction(0, 0, (float) strategy.target(bar)), periodsPerYear);
    }

    /**
     * Steps {@code env} (one copy, whole-range episode) from its first decision bar to its end,
     * asking {@code decision} for each action.
     */
    public static BacktestResult run(String name, VectorEnv env, Decision decision, double periodsPerYear) {
        if (env.rows() != 1) {
            throw new IllegalArgumentException("a backtest runs one environment copy, got " + env.rows());
        }
        env.reset();
        StepBuffers buffers = env.buffers();
        Accounts accounts = env.accounts();
        EpisodeStats stats = env.episodes();
        int capacity = env.lastRow() - env.firstDecisionRow() + 2;
        int[] bars = new int[capacity];
        double[] equity = new double[capacity];
        double[] position = new double[capacity];
        bars[0] = env.decisionRow(0);
        equity[0] = accounts.equity(0);
        position[0] = accounts.shares(0, 0);
        int n = 1;
        int trades;
        double fees;
        double traded;
        while (true) {
            int bar = env.decisionRow(0);
            decision.decide(bar, buffers);
            env.step();
            if (buffers.ended(0)) {
                bars[n] = bar + 1;
                equity[n] = stats.finalEquity(0);
                position[n] = stats.finalShares(0, 0);
                n++;
                trades = stats.trades(0);
                fees = stats.fees(0);
                traded = stats.buyNotional(0) + stats.sellNotional(0);
                break;
            }
            bars[n] = env.decisionRow(0);
            equity[n] = accounts.equity(0);
            position[n] = accounts.shares(0, 0);
            n++;
        }
        bars = Arrays.copyOf(bars, n);
        equity = Arrays.copyOf(equity, n);
        position = Arrays.copyOf(position, n);
        return summarize(name, bars, equity, position, trades, fees, traded, periodsPerYear);
    }

    /**
     * Chains backtests of consecutive periods (walk-forward test windows) into one: each part's
     * equity is rescaled to start where the previous one ended, so the stitched curve compounds the
     * parts' returns; trades add up, and fees and traded notional are rescaled with their part.
     */
    public static BacktestResult stitch(String name, List<BacktestResult> parts, double periodsPerYear) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to stitch");
        }
        int points = 1;
        for (BacktestResult part : parts) {
            points += part.equity().length - 1;
        }
        int[] bars = new int[points];
        double[] equity = new double[points];
        double[] position = new double[points];
        BacktestResult first = parts.get(0);
        bars[0] = first.bars()[0];
        equity[0] = first.equity()[0];
        position[0] = first.position()[0];
        int n = 1;
        int trades = 0;
        double fees = 0;
        double traded = 0;
        for (BacktestResult part : parts) {
            double scale = equity[n - 1] / part.equity()[0];
            for (int i = 1; i < part.equity().length; i++) {
                bars[n] = part.bars()[i];
                equity[n] = part.equity()[i] * scale;
                position[n] = part.position()[i] * scale;
                n++;
            }
            trades += part.trades();
            fees += part.feesPaid() * scale;
            traded += part.turnover() * Arrays.stream(part.equity()).average().orElse(0) * scale;
        }
        return summarize(name, bars, equity, position, trades, fees, traded, periodsPerYear);
    }

    static BacktestResult summarize(String name, int[] bars, double[] equity, double[] position, int trades,
                                    double fees, double traded, double periodsPerYear) {
        Metrics metrics = Metrics.of(equity, periodsPerYear);
        double meanEquity = Arrays.stream(equity).average().orElse(Double.NaN);
        int exposed = 0;
        int spells = 0;
        int wins = 0;
        long heldBars = 0;
        int spellStart = -1;
        for (int i = 1; i < equity.length; i++) {
            boolean inPosition = position[i] != 0;
            if (inPosition) {
                exposed++;
            }
            boolean continues = spellStart >= 0 && inPosition && Math.signum(position[i]) == Math.signum(position[i - 1]);
            if (spellStart >= 0 && !continues) {
                spells++;
                heldBars += i - spellStart;
                if (equity[i] > equity[spellStart]) {
                    wins++;
                }
                spellStart = -1;
            }
            if (inPosition && spellStart < 0) {
                spellStart = i - 1;
            }
        }
        if (spellStart >= 0) {
            int last = equity.length - 1;
            spells++;
            heldBars += last - spellStart;
            if (equity[last] > equity[spellStart]) {
                wins++;
            }
        }
        int steps = equity.length - 1;
        return new BacktestResult(name, bars, equity, position, metrics, trades, fees, traded / meanEquity,
            steps == 0 ? Double.NaN : (double) exposed / steps,
            spells == 0 ? Double.NaN : (double) wins / spells,
            spells == 0 ? Double.NaN : (double) heldBars / spells);
    }
}

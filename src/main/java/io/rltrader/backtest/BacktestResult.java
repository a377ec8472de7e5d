package io.rltrader.backtest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One backtest: per-bar series and the summary numbers.
 *
 * @param name        strategy or agent name
 * @param bars        data row of each equity point: bars[0] is the first decision bar (before any
 *                    trade), bars[k] the bar after the k-th step
 * @param equity      account equity at each point (cash + position marked at the close)
 * @param position    shares held at each point (negative: short)
 * @param metrics     return and risk metrics of {@code equity}
 * @param trades      fills executed
 * @param feesPaid    fees and slippage paid in cash
 * @param turnover    traded notional (buys + sells) over the mean equity
 * @param exposure    fraction of steps ending with a non-zero position
 * @param winRate     fraction of holding spells (a run of bars with a position of one sign) that
 *                    gained equity; NaN without any spell
 * @param averageHoldingBars mean length of those spells in bars; NaN without any spell
 */
public record BacktestResult(String name, int[] bars, double[] equity, double[] position, Metrics metrics,
                             int trades, double feesPaid, double turnover, double exposure, double winRate,
                             double averageHoldingBars) {

    /** The metrics under their report keys (plain numbers; NaN for undefined ones). */
    public Map<String, Object> metricsMap() {
        Map<String, Object> out = new LinkedHashMap<>(metrics.asMap());
        out.put("trades", trades);
        out.put("turnover", turnover);
        out.put("fees_paid", feesPaid);
        out.put("exposure", exposure);
        out.put("win_rate", winRate);
        out.put("avg_holding_bars", averageHoldingBars);
        return out;
    }

    /** Whether a metric of {@link #metricsMap()} is a fraction, shown as a percentage in tables. */
    public static boolean isFraction(String key) {
        return switch (key) {
            case "total_return", "cagr", "ann_vol", "max_drawdown", "exposure", "win_rate" -> true;
            default -> false;
        };
    }

    /** Drawdown at each point: 1 - equity / running maximum. */
    public double[] drawdown() {
        double[] out = new double[equity.length];
        double peak = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < equity.length; i++) {
            peak = Math.max(peak, equity[i]);
            out[i] = 1 - equity[i] / peak;
        }
        return out;
    }
}

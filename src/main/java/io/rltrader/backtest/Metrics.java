package io.rltrader.backtest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Performance metrics of an equity (or price) series V[0..n], exactly as defined in the project's
 * reference data (and tested against R's values): simple returns r[t] = V[t]/V[t-1] - 1, P periods
 * per year (252 for daily bars).
 *
 * <ul>
 *   <li>total_return = V[n]/V[0] - 1</li>
 *   <li>cagr = (V[n]/V[0])^(P/n) - 1</li>
 *   <li>ann_vol = sd(r) * sqrt(P), sd with divisor n-1</li>
 *   <li>sharpe = mean(r)/sd(r) * sqrt(P) (risk-free rate 0)</li>
 *   <li>sortino = mean(r)/sqrt(mean(min(r,0)^2)) * sqrt(P)</li>
 *   <li>max_drawdown = max over t of 1 - V[t]/max(V[0..t]), a fraction</li>
 *   <li>calmar = cagr / max_drawdown</li>
 * </ul>
 * Undefined values (a flat series has no Sharpe; no drawdown gives no Calmar) are NaN.
 */
public record Metrics(int periods, double totalReturn, double cagr, double annualVolatility, double sharpe,
                      double sortino, double maxDrawdown, double calmar) {

    public static final int DEFAULT_PERIODS_PER_YEAR = 252;

    /** Metrics of {@code equity[0..n]} with {@code periodsPerYear} bars a year. */
    public static Metrics of(double[] equity, double periodsPerYear) {
        return of(equity, 0, equity.length, periodsPerYear);
    }

    /** Metrics of {@code equity[from..to)}. */
    public static Metrics of(double[] equity, int from, int to, double periodsPerYear) {
        int n = to - from - 1;
        if (n < 1) {
            throw new IllegalArgumentException("metrics need at least 2 values, got " + (to - from));
        }
        if (!(periodsPerYear > 0)) {
            throw new IllegalArgumentException("periods per year must be > 0, got " + periodsPerYear);
        }
        double first = equity[from];
        double last = equity[to - 1];
        double totalReturn = last / first - 1;
        double cagr = Math.pow(last / first, periodsPerYear / n) - 1;

        double sum = 0;
        for (int t = from + 1; t < to; t++) {
            sum += equity[t] / equity[t - 1] - 1;
        }
        double mean = sum / n;
        double squares = 0;
        double downside = 0;
        for (int t = from + 1; t < to; t++) {
            double r = equity[t] / equity[t - 1] - 1;
            squares += (r - mean) * (r - mean);
            double d = Math.min(r, 0);
            downside += d * d;
        }
        double sd = n > 1 ? Math.sqrt(squares / (n - 1)) : Double.NaN;
        double sqrtP = Math.sqrt(periodsPerYear);
        double annVol = sd * sqrtP;
        double sharpe = sd > 0 ? mean / sd * sqrtP : Double.NaN;
        double downsideDeviation = Math.sqrt(downside / n);
        double sortino = downsideDeviation > 0 ? mean / downsideDeviation * sqrtP : Double.NaN;

        double peak = first;
        double maxDrawdown = 0;
        for (int t = from; t < to; t++) {
            peak = Math.max(peak, equity[t]);
            maxDrawdown = Math.max(maxDrawdown, 1 - equity[t] / peak);
        }
        double calmar = maxDrawdown > 0 ? cagr / maxDrawdown : Double.NaN;
        return new Metrics(n, totalReturn, cagr, annVol, sharpe, sortino, maxDrawdown, calmar);
    }

    /** The metrics under their report names, in report order. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("total_return", totalReturn);
        m.put("cagr", cagr);
        m.put("ann_vol", annualVolatility);
        m.put("sharpe", sharpe);
        m.put("sortino", sortino);
        m.put("max_drawdown", maxDrawdown);
        m.put("calmar", calmar);
        return m;
    }
}

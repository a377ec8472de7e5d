package io.rltrader.cli;

import io.rltrader.backtest.BacktestResult;
import io.rltrader.data.MarketData;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The plain-text table of backtest results printed by backtest, evaluate and demo. */
final class ResultTable {
    private static final String[][] ROWS = {
        {"total_return", "total return"}, {"cagr", "CAGR"}, {"ann_vol", "annual volatility"}, {"sharpe", "Sharpe"},
        {"sortino", "Sortino"}, {"max_drawdown", "max drawdown"}, {"calmar", "Calmar"}, {"trades", "trades"},
        {"turnover", "turnover"}, {"fees_paid", "fees paid"}, {"exposure", "exposure"}, {"win_rate", "win rate"},
        {"avg_holding_bars", "avg holding (bars)"}};

    private ResultTable() {
    }

    static void print(PrintWriter out, MarketData data, List<BacktestResult> results) {
        BacktestResult first = results.get(0);
        out.printf(Locale.ROOT, "%s, %s to %s (%d steps)%n", data.source(), data.formatTime(first.bars()[0]),
            data.formatTime(Math.min(first.bars()[first.bars().length - 1], data.rows() - 1)), first.equity().length - 1);
        out.printf(Locale.ROOT, "%-20s", "");
        for (BacktestResult r : results) {
            out.printf(Locale.ROOT, " %18s", abbreviate(r.name()));
        }
        out.println();
        for (String[] row : ROWS) {
            out.printf(Locale.ROOT, "%-20s", row[1]);
            for (BacktestResult r : results) {
                out.printf(Locale.ROOT, " %18s", format(row[0], r.metricsMap().get(row[0])));
            }
            out.println();
        }
    }

    private static String abbreviate(String name) {
        return name.length() <= 18 ? name : name.substring(0, 17) + "~";
    }

    private static String format(String key, Object value) {
        if (value instanceof Integer i) {
            return Integer.toString(i);
        }
        double d = ((Number) value).doubleValue();
        if (!Double.isFinite(d)) {
            return "n/a";
        }
        if (BacktestResult.isFraction(key)) {
            return String.format(Locale.ROOT, "%.2f%%", 100 * d);
        }
        return String.format(Locale.ROOT, key.equals("fees_paid") ? "%.2f" : "%.3f", d);
    }
}

package io.rltrader.backtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rltrader.data.MarketData;
import io.rltrader.data.TimeFormat;
import io.rltrader.util.DurableFiles;
import io.rltrader.util.UserInputException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A backtest report in a directory: {@code report.html} (self-contained: charts inlined, opens
 * offline), the charts as PNG ({@code equity.png}, {@code drawdown.png}, {@code position.png}, and
 * {@code training.png} when a training curve is given) and {@code report.json} with the same
 * numbers. The first result is the subject (an agent or a strategy), the others its benchmarks.
 * Every file is written to a temporary name and renamed into place, so a reader never sees half a file.
 */
public final class Report {
    /** One point of a training curve: transitions collected and the mean episode reward then. */
    public record TrainingPoint(long steps, double meanEpisodeReward) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int WIDTH = 900;
    private static final int HEIGHT = 380;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0x7f7f7f), new Color(0xff7f0e),
        new Color(0x2ca02c), new Color(0x9467bd)};

    private Report() {
    }

    /**
     * Writes the report for {@code results} (subject first) on {@code data}, with the run's
     * {@code settings} and an optional training curve; returns the path of report.html.
     */
    public static Path write(Path dir, String title, MarketData data, List<BacktestResult> results,
                             Map<String, Object> settings, List<TrainingPoint> training) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one result");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserInputException("--report " + dir + ": cannot create the directory (" + e.getMessage() + ")");
        }
        Map<String, byte[]> charts = new LinkedHashMap<>();
        charts.put("equity.png", png(equityChart(data, results)));
        charts.put("drawdown.png", png(drawdownChart(data, results)));
        charts.put("position.png", png(positionChart(data, results.get(0))));
        if (training != null && !training.isEmpty()) {
            charts.put("training.png", png(trainingChart(training)));
        }
        for (Map.Entry<String, byte[]> chart : charts.entrySet()) {
            writeAtomically(dir.resolve(chart.getKey()), chart.getValue());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("title", title);
        json.put("data", data.source());
        json.put("settings", settings);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (BacktestResult r : results) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", r.name());
            entry.put("start", data.formatTime(r.bars()[0]));
            entry.put("end", data.formatTime(Math.min(r.bars()[r.bars().length - 1], data.rows() - 1)));
            entry.put("metrics", finite(r.metricsMap()));
            entries.add(entry);
        }
        json.put("results", entries);
        if (training != null && !training.isEmpty()) {
            json.put("training", training);
        }
        try {
            writeAtomically(dir.resolve("report.json"), JSON.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new UserInputException("--report " + dir + ": cannot write report.json (" + e.getMessage() + ")");
        }
        Path html = dir.resolve("report.html");
        writeAtomically(html, html(title, data, results, settings, charts).getBytes(StandardCharsets.UTF_8));
        return html;
    }

    /** Metric values as JSON numbers, with null for undefined (NaN or infinite) ones. */
    static Map<String, Object> finite(Map<String, Object> metrics) {
        Map<String, Object> out = new LinkedHashMap<>();
        metrics.forEach((k, v) -> out.put(k, v instanceof Double d && !Double.isFinite(d) ? null : v));
        return out;
    }

    private static String html(String title, MarketData data, List<BacktestResult> results,
                               Map<String, Object> settings, Map<String, byte[]> charts) {
        StringBuilder out = new StringBuilder(64 * 1024);
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .append(escape(title)).append("</title>\n<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;"
                + "color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;"
                + "text-align:right}th:first-child,td:first-child{text-align:left}img{max-width:100%}"
                + ".muted{color:#666}</style></head><body>\n");
        out.append("<h1>").append(escape(title)).append("</h1>\n<p class=\"muted\">Data: ")
            .append(escape(data.source())).append(", ").append(escape(data.formatTime(results.get(0).bars()[0])))
            .append(" to ").append(escape(data.formatTime(Math.min(lastBar(results.get(0)), data.rows() - 1))))
            .append(" (").append(results.get(0).equity().length - 1).append(" steps)</p>\n");
        out.append("<h2>Metrics</h2>\n<table><tr><th>metric</th>");
        for (BacktestResult r : results) {
            out.append("<th>").append(escape(r.name())).append("</th>");
        }
        out.append("</tr>\n");
        for (String key : results.get(0).metricsMap().keySet()) {
            out.append("<tr><td>").append(key).append("</td>");
            for (BacktestResult r : results) {
                out.append("<td>").append(format(key, r.metricsMap().get(key))).append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n");
        for (Map.Entry<String, byte[]> chart : charts.entrySet()) {
            out.append("<h2>").append(caption(chart.getKey())).append("</h2>\n<img alt=\"")
                .append(caption(chart.getKey())).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(chart.getValue())).append("\">\n");
        }
        out.append("<h2>Settings</h2>\n<table>");
        settings.forEach((k, v) -> out.append("<tr><td>").append(escape(k)).append("</td><td>")
            .append(escape(String.valueOf(v))).append("</td></tr>"));
        out.append("</table>\n</body></html>\n");
        return out.toString();
    }

    private static int lastBar(BacktestResult r) {
        return r.bars()[r.bars().length - 1];
    }

    private static String caption(String file) {
        return switch (file) {
            case "equity.png" -> "Equity";
            case "drawdown.png" -> "Drawdown";
            case "position.png" -> "Position and trades";
            case "training.png" -> "Training";
            default -> file;
        };
    }

    static String format(String key, Object value) {
        if (value instanceof Integer i) {
            return Integer.toString(i);
        }
        if (value instanceof Double d) {
            if (!Double.isFinite(d)) {
                return "n/a";
            }
            return BacktestResult.isFraction(key) ? String.format(Locale.ROOT, "%.2f%%", 100 * d) : String.format(Locale.ROOT, "%.3f", d);
        }
        return escape(String.valueOf(value));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static double x(MarketData data, int bar) {
        int row = Math.min(bar, data.rows() - 1);
        return calendar(data) ? data.time(row) : row;
    }

    private static boolean calendar(MarketData data) {
        TimeFormat f = data.timeFormat();
        return f == TimeFormat.DATE || f == TimeFormat.DATE_TIME || f == TimeFormat.EPOCH_SECONDS
            || f == TimeFormat.EPOCH_MILLIS;
    }

    private static JFreeChart equityChart(MarketData data, List<BacktestResult> results) {
        XYSeriesCollection series = new XYSeriesCollection();
        for (BacktestResult r : results) {
            XYSeries s = new XYSeries(r.name(), false, true);
            for (int i = 0; i < r.equity().length; i++) {
                s.add(x(data, r.bars()[i]), r.equity()[i] / r.equity()[0]);
            }
            series.addSeries(s);
        }
        return chart("Equity (growth of 1)", data, series, "growth of 1");
    }

    private static JFreeChart drawdownChart(MarketData data, List<BacktestResult> results) {
        XYSeriesCollection series = new XYSeriesCollection();
        for (BacktestResult r : results) {
            XYSeries s = new XYSeries(r.name(), false, true);
            double[] dd = r.drawdown();
            for (int i = 0; i < dd.length; i++) {
                s.add(x(data, r.bars()[i]), -100 * dd[i]);
            }
            series.addSeries(s);
        }
        return chart("Drawdown", data, series, "drawdown, %");
    }

    private static JFreeChart positionChart(MarketData data, BacktestResult r) {
        XYSeriesCollection series = new XYSeriesCollection();
        XYSeries position = new XYSeries("position (shares)", false, true);
        XYSeries trades = new XYSeries("trades", false, true);
        for (int i = 0; i < r.position().length; i++) {
            double xi = x(data, r.bars()[i]);
            position.add(xi, r.position()[i]);
            if (i > 0 && r.position()[i] != r.position()[i - 1]) {
                trades.add(xi, r.position()[i]);
            }
        }
        series.addSeries(position);
        series.addSeries(trades);
        JFreeChart chart = chart("Position of " + r.name() + " with trades marked", data, series, "shares");
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
        renderer.setSeriesLinesVisible(1, false);
        renderer.setSeriesShapesVisible(1, true);
        return chart;
    }

    private static JFreeChart trainingChart(List<TrainingPoint> training) {
        XYSeries s = new XYSeries("mean episode reward", false, true);
        for (TrainingPoint p : training) {
            if (Double.isFinite(p.meanEpisodeReward())) {
                s.add(p.steps(), p.meanEpisodeReward());
            }
        }
        XYSeriesCollection series = new XYSeriesCollection(s);
        NumberAxis xAxis = new NumberAxis("transitions");
        return styled(new JFreeChart("Training curve", JFreeChart.DEFAULT_TITLE_FONT,
            new XYPlot(series, xAxis, new NumberAxis("mean episode reward"), new XYLineAndShapeRenderer(true, false)),
            true));
    }

    private static JFreeChart chart(String title, MarketData data, XYSeriesCollection series, String yLabel) {
        ValueAxis xAxis = calendar(data) ? new DateAxis("date") : new NumberAxis("bar");
        NumberAxis yAxis = new NumberAxis(yLabel);
        yAxis.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(series, xAxis, yAxis, new XYLineAndShapeRenderer(true, false));
        return styled(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
    }

    private static JFreeChart styled(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
        for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, COLORS[i % COLORS.length]);
            renderer.setSeriesStroke(i, new BasicStroke(i == 0 ? 1.6f : 1.1f));
        }
        return chart;
    }

    private static byte[] png(JFreeChart chart) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("rendering a chart failed", e);
        }
    }

    private static void writeAtomically(Path file, byte[] bytes) {
        try {
            DurableFiles.writeAtomically(file, bytes);
        } catch (IOException e) {
            throw new UserInputException("report: cannot write " + file + " (" + e.getMessage() + ")");
        }
    }

}

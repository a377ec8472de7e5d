package io.rltrader.cli;

import io.rltrader.backtest.Metrics;
import io.rltrader.data.DataProfile;
import io.rltrader.data.MarketData;
import io.rltrader.util.UserInputException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rltrader data inspect}: format, ranges, gaps and buy-and-hold metrics of a data file. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = {"Validate a data file and show rows, time range, columns, detected format, per-column",
        "min/max/NaN count, gaps, and the buy-and-hold metrics of each asset's price."})
public final class DataInspectCommand implements Runnable {
    @Mixin
    DataOptions dataOptions;

    @Option(names = "--periods-per-year", paramLabel = "N", defaultValue = "252",
        description = "Bars per year for annualized metrics (252 daily, 52 weekly, 8760 hourly 24/7; default ${DEFAULT-VALUE}).")
    double periodsPerYear;

    @Option(names = "--json", description = "Print one JSON object and nothing else on stdout.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (!(periodsPerYear > 0) || Double.isInfinite(periodsPerYear)) {
            throw new UserInputException("--periods-per-year " + periodsPerYear + ": expected a number > 0");
        }
        MarketData data = dataOptions.load();
        Map<String, Object> report = report(data, periodsPerYear);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(report));
        } else {
            printTable(out, data, report);
        }
        out.flush();
    }

    static Map<String, Object> report(MarketData data, double periodsPerYear) {
        DataProfile profile = DataProfile.of(data);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("file", data.source());
        r.put("layout", data.layout().name().toLowerCase(Locale.ROOT));
        r.put("time_format", data.timeFormat().name().toLowerCase(Locale.ROOT));
        r.put("rows", data.rows());
        r.put("first_time", data.formatTime(0));
        r.put("last_time", data.formatTime(data.rows() - 1));
        r.put("filled_values", data.filledValues());
        List<Map<String, Object>> columns = new ArrayList<>();
        for (DataProfile.ColumnStats c : profile.columns()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("min", c.min());
            m.put("max", c.max());
            m.put("nan_count", c.nanCount());
            columns.add(m);
        }
        r.put("columns", columns);
        Map<String, Object> gaps = new LinkedHashMap<>();
        gaps.put("median_spacing", describeSpacing(data, profile.medianSpacing()));
        gaps.put("threshold", "spacing > " + DataProfile.GAP_FACTOR + "x median");
        gaps.put("count", profile.gapCount());
        List<Map<String, Object>> largest = new ArrayList<>();
        for (DataProfile.Gap g : profile.largestGaps()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", data.formatTime(g.row() - 1));
            m.put("to", data.formatTime(g.row()));
            m.put("spacing", describeSpacing(data, g.spacing()));
            largest.add(m);
        }
        gaps.put("largest", largest);
        r.put("gaps", gaps);
        r.put("periods_per_year", periodsPerYear);
        List<Map<String, Object>> assets = new ArrayList<>();
        for (MarketData.Asset a : data.assets()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", a.name());
            m.put("price_column", a.price().name());
            Map<String, Object> metrics = new LinkedHashMap<>(Metrics.of(a.price().toArray(), periodsPerYear).asMap());
            m.put("buy_and_hold", metrics);
            assets.add(m);
        }
        r.put("assets", assets);
        return r;
    }

    private static String describeSpacing(MarketData data, long spacing) {
        if (!data.timeFormat().isCalendar()) {
            return spacing + (spacing == 1 ? " row" : " rows");
        }
        if (spacing % 86_400_000L == 0) {
            long days = spacing / 86_400_000L;
            return days + (days == 1 ? " day" : " days");
        }
        if (spacing % 60_000L == 0) {
            return spacing / 60_000L + " min";
        }
        return spacing / 1000.0 + " s";
    }

    @SuppressWarnings("unchecked")
    private static void printTable(PrintWriter out, MarketData data, Map<String, Object> r) {
        out.printf("file          %s%n", r.get("file"));
        out.printf("format        %s, time as %s%n", r.get("layout"), data.timeFormat().description());
        out.printf("rows          %d  (%s .. %s)%n", data.rows(), r.get("first_time"), r.get("last_time"));
        if (data.filledValues() > 0) {
            out.printf("filled        %d missing values forward-filled%n", data.filledValues());
        }
        Map<String, Object> gaps = (Map<String, Object>) r.get("gaps");
        int gapCount = (Integer) gaps.get("count");
        out.printf("spacing       median %s; %d %s (%s)%n", gaps.get("median_spacing"), gapCount,
            gapCount == 1 ? "gap" : "gaps", gaps.get("threshold"));
        for (Map<String, Object> g : (List<Map<String, Object>>) gaps.get("largest")) {
            out.printf("              gap of %s: %s -> %s%n", g.get("spacing"), g.get("from"), g.get("to"));
        }
        out.println();
        out.printf("%-14s %14s %14s %6s%n", "column", "min", "max", "NaN");
        for (Map<String, Object> c : (List<Map<String, Object>>) r.get("columns")) {
            out.printf("%-14s %14s %14s %6s%n", c.get("name"), number(c.get("min")), number(c.get("max")), c.get("nan_count"));
        }
        out.println();
        double periods = (Double) r.get("periods_per_year");
        out.printf("buy-and-hold (%s periods/year)%n",
            periods == Math.rint(periods) ? String.valueOf((long) periods) : String.valueOf(periods));
        List<Map<String, Object>> assets = (List<Map<String, Object>>) r.get("assets");
        StringBuilder header = new StringBuilder(String.format("%-14s", "metric"));
        for (Map<String, Object> a : assets) {
            header.append(String.format(" %12s", a.get("name")));
        }
        out.println(header);
        for (String key : ((Map<String, Object>) assets.get(0).get("buy_and_hold")).keySet()) {
            StringBuilder row = new StringBuilder(String.format("%-14s", key));
            for (Map<String, Object> a : assets) {
                row.append(String.format(" %12s", number(((Map<String, Object>) a.get("buy_and_hold")).get(key))));
            }
            out.println(row);
        }
    }

    private static String number(Object value) {
        if (value instanceof Double d) {
            if (Double.isNaN(d)) {
                return "n/a";
            }
            return Math.abs(d) >= 1e6 ? String.format(Locale.ROOT, "%.4g", d) : String.format(Locale.ROOT, "%.4f", d);
        }
        return String.valueOf(value);
    }
}

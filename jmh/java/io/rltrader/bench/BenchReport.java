package io.rltrader.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rltrader.nn.NativeRuntime;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON result (run with the GC profiler) into rltrader's benchmark report: one JSON
 * object with {@code settings} (threads, JVM, LibTorch, CPU, flags) and {@code benchmarks}, a list
 * of {name, params, score, unit, error, bytes_per_op (gc.alloc.rate.norm), worker_bytes_per_op (the
 * benchmark thread's own allocation, see WorkerAllocationProfiler), items_per_op, items_per_s}; and a table on
 * stdout. Used by tools/bench: {@code BenchReport JMH_JSON OUT_JSON FLAGS...}.
 */
public final class BenchReport {
    private BenchReport() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: BenchReport JMH_RESULT.json OUT.json [flags...]");
            System.exit(2);
        }
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        JsonNode jmh = mapper.readTree(Path.of(args[0]).toFile());
        List<String> flags = List.of(args).subList(2, args.length);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("settings", settings(jmh, flags));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode result : jmh) {
            rows.add(row(result));
        }
        report.put("benchmarks", rows);
        Files.writeString(Path.of(args[1]), mapper.writeValueAsString(report) + "\n");
        printTable(rows, report);
    }

    static Map<String, Object> settings(JsonNode jmh, List<String> flags) throws IOException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("cpu", cpuModel());
        s.put("cores", Runtime.getRuntime().availableProcessors());
        s.putAll(NativeRuntime.describe());
        s.put("openblas_num_threads_env", System.getenv("OPENBLAS_NUM_THREADS"));
        s.put("omp_num_threads_env", System.getenv("OMP_NUM_THREADS"));
        if (jmh.size() > 0) {
            JsonNode first = jmh.get(0);
            s.put("jvm", first.path("vmName").asText() + " " + first.path("vmVersion").asText());
            s.put("jdk", first.path("jdkVersion").asText());
            s.put("jvm_args", first.path("jvmArgs"));
            s.put("jmh", first.path("jmhVersion").asText());
            s.put("benchmark_threads", first.path("threads").asInt());
            s.put("forks", first.path("forks").asInt());
            s.put("warmup", first.path("warmupIterations").asInt() + " x " + first.path("warmupTime").asText());
            s.put("measurement", first.path("measurementIterations").asInt() + " x " + first.path("measurementTime").asText());
        }
        s.put("flags", flags);
        return s;
    }

    static Map<String, Object> row(JsonNode result) throws ReflectiveOperationException {
        String name = result.path("benchmark").asText();
        Map<String, Object> params = new LinkedHashMap<>();
        JsonNode p = result.path("params");
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            params.put(key, p.get(key).asText());
        }
        JsonNode primary = result.path("primaryMetric");
        double score = primary.path("score").asDouble();
        String unit = primary.path("scoreUnit").asText();
        JsonNode alloc = result.path("secondaryMetrics").path("gc.alloc.rate.norm");
        Double bytes = alloc.isMissingNode() ? null : alloc.path("score").asDouble();
        JsonNode worker = result.path("secondaryMetrics").path(WorkerAllocationProfiler.METRIC);
        Double workerBytes = worker.isMissingNode() ? null : worker.path("score").asDouble();
        ItemsPerOp items = itemsAnnotation(name);
        long itemsPerOp = 1;
        String itemUnit = "op";
        if (items != null) {
            itemsPerOp = items.value();
            if (!items.param().isEmpty()) {
                Object v = params.get(items.param());
                if (v == null) {
                    throw new IllegalStateException(name + ": @ItemsPerOp names param '" + items.param()
                        + "' which the benchmark does not have");
                }
                itemsPerOp *= Long.parseLong(v.toString());
            }
            itemUnit = items.unit();
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", name);
        row.put("params", params);
        row.put("score", score);
        row.put("unit", unit);
        row.put("error", primary.path("scoreError").isNumber() ? primary.path("scoreError").asDouble() : null);
        row.put("bytes_per_op", bytes);
        row.put("worker_bytes_per_op", workerBytes);
        row.put("items_per_op", itemsPerOp);
        row.put("item", itemUnit);
        Double seconds = secondsPerOp(score, unit);
        row.put("items_per_s", seconds == null ? null : itemsPerOp / seconds);
        row.put("ns_per_item", seconds == null ? null : seconds * 1e9 / itemsPerOp);
        return row;
    }

    /** Seconds per operation for an average-time unit such as "us/op"; null for other modes. */
    static Double secondsPerOp(double score, String unit) {
        switch (unit) {
            case "s/op": return score;
            case "ms/op": return score * 1e-3;
            case "us/op": return score * 1e-6;
            case "ns/op": return score * 1e-9;
            case "ops/s": return 1 / score;
            case "ops/ms": return 1e-3 / score;
            case "ops/us": return 1e-6 / score;
            case "ops/ns": return 1e-9 / score;
            default: return null;
        }
    }

    static ItemsPerOp itemsAnnotation(String benchmark) throws ClassNotFoundException {
        int dot = benchmark.lastIndexOf('.');
        Class<?> type = Class.forName(benchmark.substring(0, dot));
        String method = benchmark.substring(dot + 1);
        for (Method m : type.getMethods()) {
            if (m.getName().equals(method)) {
                return m.getAnnotation(ItemsPerOp.class);
            }
        }
        return null;
    }

    static String cpuModel() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        return System.getProperty("os.arch");
    }

    @SuppressWarnings("unchecked")
    private static void printTable(List<Map<String, Object>> rows, Map<String, Object> report) {
        Map<String, Object> s = (Map<String, Object>) report.get("settings");
        System.out.printf("CPU %s | %s cores | LibTorch %s | intra-op %s, BLAS %s (%s) | %s%n", s.get("cpu"),
            s.get("cores"), s.get("libtorch"), s.get("intra_op_threads"), s.get("blas_threads"), s.get("blas_core"),
            s.get("jvm"));
        System.out.printf("%-58s %-16s %12s %10s %10s %14s %10s%n", "benchmark", "params", "time/op", "B/op",
            "worker B/op", "items/s", "ns/item");
        for (Map<String, Object> r : rows) {
            String name = r.get("name").toString().replace("io.rltrader.", "");
            Double bytes = (Double) r.get("bytes_per_op");
            Double perSecond = (Double) r.get("items_per_s");
            Double nsPerItem = (Double) r.get("ns_per_item");
            Double worker = (Double) r.get("worker_bytes_per_op");
            System.out.printf(Locale.ROOT, "%-58s %-16s %9.3f %-2s %10s %10s %14s %10s%n", name,
                compact((Map<String, Object>) r.get("params")), (Double) r.get("score"),
                r.get("unit").toString().replace("/op", ""), bytes == null ? "-" : String.format(Locale.ROOT, "%.1f", bytes),
                worker == null ? "-" : String.format(Locale.ROOT, "%.2f", worker),
                perSecond == null ? "-" : String.format(Locale.ROOT, "%.4g %s", perSecond, r.get("item")),
                nsPerItem == null ? "-" : String.format(Locale.ROOT, "%.2f", nsPerItem));
        }
    }

    private static String compact(Map<String, Object> params) {
        StringBuilder b = new StringBuilder();
        params.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return b.toString();
    }
}

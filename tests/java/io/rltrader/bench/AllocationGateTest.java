package io.rltrader.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The allocation gate: runs every benchmark marked {@link AllocationFree} briefly, in a forked JVM
 * with the project's JVM options, under JMH's GC profiler, and fails when one allocates more than
 * its {@code maxBytesPerOp} per operation. The bytes counted are those of the benchmark's worker
 * thread ({@link WorkerAllocationProfiler}), exact to the byte; JMH's {@code gc.alloc.rate.norm} is
 * printed next to it but also counts JMH's own per-iteration allocations, which for an operation of
 * hundreds of microseconds add 20-200 B/op that the code under test never allocated. The
 * calibration test checks that both see a known 144-byte allocation. Speed is not judged here
 * (that is tools/bench's job); only bytes per op, which do not depend on the machine.
 *
 * <p>Each benchmark runs with the first value of each of its parameters, which keeps the gate to
 * seconds per benchmark.
 */
class AllocationGateTest {
    static {
        // Bytes per op do not depend on what else runs, so the gate need not wait for JMH's
        // machine-wide lock (held by any tools/bench run); timing runs still take it.
        System.setProperty("jmh.ignoreLock", "true");
    }

    /**
     * Bytes JMH itself allocates on the worker thread per iteration (result objects, timing, and
     * the iteration-level setups that flush subnormals on the measuring thread), seen at 0.5-6 KB;
     * the gate allows this much per iteration on top of {@code maxBytesPerOp} per op.
     * It matters only for operations of milliseconds (a few hundred per iteration or fewer); every
     * agent's update also has an exact test that counts the calling thread's bytes over hundreds of
     * updates (ActorCriticAllocationTest, OnPolicyAllocationTest): 0.
     */
    static final double WORKER_ITERATION_BYTES = 8192;

    private record Gated(String className, String method, double maxBytes, Map<String, String> params) {
    }

    @Test
    void benchmarksMarkedAllocationFreeDoNotAllocate() throws Exception {
        List<Gated> gated = gatedBenchmarks();
        assertFalse(gated.isEmpty(), "no @AllocationFree benchmark found: the gate would check nothing");
        Map<String, List<Gated>> byClass = new LinkedHashMap<>();
        for (Gated g : gated) {
            byClass.computeIfAbsent(g.className(), k -> new ArrayList<>()).add(g);
        }
        List<String> failures = new ArrayList<>();
        StringBuilder summary = new StringBuilder();
        for (Map.Entry<String, List<Gated>> entry : byClass.entrySet()) {
            List<String> methods = new ArrayList<>();
            Map<String, String> params = new LinkedHashMap<>();
            for (Gated g : entry.getValue()) {
                methods.add(Pattern.quote(g.method()));
                params.putAll(g.params());
            }
            ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(entry.getKey()) + "\\.(" + String.join("|", methods) + ")$")
                .forks(1)
                .warmupIterations(2)
                .warmupTime(TimeValue.milliseconds(300))
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(400))
                .addProfiler(GCProfiler.class)
                .addProfiler(WorkerAllocationProfiler.class)
                .verbosity(VerboseMode.SILENT);
            params.forEach(options::param);
            Collection<RunResult> results = new Runner(options.build()).run();
            for (RunResult r : results) {
                String name = r.getParams().getBenchmark();
                Gated g = entry.getValue().stream().filter(x -> name.endsWith("." + x.method())).findFirst()
                    .orElseThrow();
                Result alloc = r.getSecondaryResults().get(WorkerAllocationProfiler.METRIC);
                assertNotNull(alloc, name + ": the worker allocation profiler gave no result");
                double bytes = alloc.getScore();
                Result opsResult = r.getSecondaryResults().get(WorkerAllocationProfiler.OPS);
                double ops = opsResult == null ? Double.NaN : opsResult.getScore();
                // JMH's own bookkeeping on the worker thread is about 550 bytes per iteration; for an
                // operation of tens of milliseconds it is spread over a handful of operations.
                double allowed = g.maxBytes() + (ops > 0 ? WORKER_ITERATION_BYTES / ops : 0);
                Result whole = r.getSecondaryResults().get("gc.alloc.rate.norm");
                summary.append(String.format("%s %s: %.2f B/op on the worker thread (gc.alloc.rate.norm %.2f)%n", name,
                    params, bytes, whole == null ? Double.NaN : whole.getScore()));
                if (!(bytes <= allowed)) {
                    failures.add(String.format("%s (params %s) allocates %.1f B/op over %.0f ops per iteration,"
                        + " allowed %.1f", name, params, bytes, ops, allowed));
                }
            }
        }
        System.out.print(summary);
        if (!failures.isEmpty()) {
            fail("allocation gate failed:\n" + String.join("\n", failures));
        }
    }

    @Test
    void gateMeasurementSeesAKnownAllocation() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
            .include("^" + Pattern.quote(GateCalibrationBenchmark.class.getName()) + "\\.allocates144Bytes$")
            .forks(1).warmupIterations(1).warmupTime(TimeValue.milliseconds(300))
            .measurementIterations(1).measurementTime(TimeValue.milliseconds(300))
            .addProfiler(GCProfiler.class).addProfiler(WorkerAllocationProfiler.class)
            .verbosity(VerboseMode.SILENT).build()).run();
        RunResult result = results.iterator().next();
        double bytes = result.getSecondaryResults().get(WorkerAllocationProfiler.METRIC).getScore();
        assertEquals(144.0, bytes, 1.0, "the gate's measurement must see a 144-byte allocation per op");
        double whole = result.getSecondaryResults().get("gc.alloc.rate.norm").getScore();
        assertEquals(144.0, whole, 8.0, "and so must JMH's gc.alloc.rate.norm");
    }

    private static List<Gated> gatedBenchmarks() throws Exception {
        List<Gated> gated = new ArrayList<>();
        try (InputStream in = AllocationGateTest.class.getResourceAsStream(BenchmarkList.BENCHMARK_LIST)) {
            assertNotNull(in, "JMH benchmark list missing: were the jmh/ sources compiled with the annotation processor?");
            for (BenchmarkListEntry e : BenchmarkList.readBenchmarkList(in)) {
                String className = e.getUserClassQName();
                String method = e.getUsername().substring(e.getUsername().lastIndexOf('.') + 1);
                AllocationFree gate = annotation(className, method);
                if (gate == null) {
                    continue;
                }
                Map<String, String> firstValues = new LinkedHashMap<>();
                if (e.getParams().hasValue()) {
                    e.getParams().get().forEach((k, v) -> {
                        if (v.length > 0) {
                            firstValues.put(k, v[0]);
                        }
                    });
                }
                gated.add(new Gated(className, method, gate.maxBytesPerOp(), firstValues));
            }
        }
        return gated;
    }

    private static AllocationFree annotation(String className, String method) throws ClassNotFoundException {
        for (Method m : Class.forName(className).getMethods()) {
            if (m.getName().equals(method) && m.isAnnotationPresent(AllocationFree.class)) {
                return m.getAnnotation(AllocationFree.class);
            }
        }
        return null;
    }
}

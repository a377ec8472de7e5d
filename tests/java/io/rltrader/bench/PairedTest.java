package io.rltrader.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

class PairedTest {
    /** The test's clock: the fixture's operations advance it by a known number of nanoseconds. */
    static long now;
    static final List<String> log = new ArrayList<>();

    /** A benchmark-like state whose two operations cost exactly {@code cost} and {@code 2 cost} on the test clock. */
    @State(Scope.Benchmark)
    public static class Fixture {
        @Param({"1000", "5"})
        public int cost;
        @Param({"x"})
        public String label;

        @Setup(Level.Trial)
        public void trialSetup() {
            log.add("trial setup " + cost + " " + label);
        }

        @Setup(Level.Iteration)
        public void iterationSetup() {
            log.add("iteration");
        }

        @TearDown(Level.Trial)
        public void trialTearDown() {
            log.add("trial teardown");
        }

        public long single() {
            now += cost;
            log.add("single");
            return now;
        }

        public void twice(Extra extra) {
            now += 2L * cost + extra.offset;
            log.add("twice");
        }

        public void withBlackhole(Blackhole hole) {
        }
    }

    /** A state passed as a parameter, as JMH allows. */
    @State(Scope.Benchmark)
    public static class Extra {
        @Param({"0"})
        public long offset;
    }

    /** A state whose setup takes JMH's parameters, which a paired run cannot give. */
    @State(Scope.Benchmark)
    public static class NeedsParams {
        @Setup(Level.Trial)
        public void setUp(org.openjdk.jmh.infra.BenchmarkParams params) {
        }

        public void run() {
        }
    }

    @BeforeEach
    void reset() {
        now = 0;
        log.clear();
    }

    private static Method method(String name, Class<?>... parameters) throws NoSuchMethodException {
        return Fixture.class.getMethod(name, parameters);
    }

    @Test
    void quantilesInterpolateAsRsDefault() {
        // R: quantile(c(10, 1, 4, 2, 3), c(0, .1, .25, .5, .75, .9, 1)) = 1 1.4 2 3 4 7.6 10
        double[] values = {10, 1, 4, 2, 3};
        double[] expected = {1, 1.4, 2, 3, 4, 7.6, 10};
        double[] probabilities = {0, 0.1, 0.25, 0.5, 0.75, 0.9, 1};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], Paired.percentile(values, probabilities[i]), 1e-12, "p=" + probabilities[i]);
        }
        assertEquals(7.0, Paired.percentile(new double[] {7}, 0.5));
        assertArrayEquals(new double[] {10, 1, 4, 2, 3}, values, "the input is left as it was");
        assertThrows(IllegalArgumentException.class, () -> Paired.percentile(new double[0], 0.5));
    }

    @Test
    void measuresEachOperationsTimePerCallAndTheirRatio() throws Throwable {
        Paired.Pair pair = new Paired.Pair(method("twice", Extra.class), method("single"), Map.of(), () -> now);
        Paired.Result result = pair.run(2, 5, 100_000);
        pair.tearDown();
        assertEquals(5, result.firstNanos().length);
        for (int round = 0; round < 5; round++) {
            assertEquals(2000.0, result.firstNanos()[round], 1e-9);
            assertEquals(1000.0, result.secondNanos()[round], 1e-9);
            assertEquals(2.0, result.ratios()[round], 1e-12);
        }
        // one trial setup and teardown for the shared state; an iteration setup before every slice
        assertEquals(1, log.stream().filter(line -> line.startsWith("trial setup")).count());
        assertEquals("trial setup 1000 x", log.get(0), "first declared parameter values");
        assertEquals(1, log.stream().filter("trial teardown"::equals).count());
        assertEquals(2 * (2 + 5), log.stream().filter("iteration"::equals).count());
        assertEquals(Map.of("cost", "1000", "label", "x", "offset", "0"), pair.parameters());
        String report = Paired.report(result);
        assertTrue(report.contains("median 2.000 us/op"), report);
        assertTrue(report.contains("ratio") && report.contains("median 2.000 (quartiles 2.000-2.000"), report);
    }

    @Test
    void alternatesWhichBenchmarkLeadsEachRound() throws Throwable {
        Paired.Pair pair = new Paired.Pair(method("single"), method("twice", Extra.class), Map.of(), () -> now);
        pair.run(0, 2, 1000);
        List<String> order = new ArrayList<>();
        for (String line : log) {
            if ((line.equals("single") || line.equals("twice")) && (order.isEmpty() || !order.get(order.size() - 1).equals(line))) {
                order.add(line);
            }
        }
        assertEquals(List.of("single", "twice", "single"), order, "round 0: A then B; round 1: B then A");
    }

    @Test
    void parametersComeFromTheCommandLineAndUnknownOnesAreRefused() throws Throwable {
        Paired.Pair pair = new Paired.Pair(method("single"), method("twice", Extra.class),
            Map.of("cost", "7", "offset", "1"), () -> now);
        Paired.Result result = pair.run(0, 1, 1000);
        assertEquals(7.0, result.firstNanos()[0], 1e-9);
        assertEquals(15.0, result.secondNanos()[0], 1e-9);

        Paired.UsageException unknown = assertThrows(Paired.UsageException.class,
            () -> new Paired.Pair(method("single"), method("single"), Map.of("capacity", "10"), () -> now));
        assertTrue(unknown.getMessage().contains("[capacity]"), unknown.getMessage());
        Paired.UsageException malformed = assertThrows(Paired.UsageException.class,
            () -> new Paired.Pair(method("single"), method("single"), Map.of("cost", "ten"), () -> now));
        assertTrue(malformed.getMessage().contains("cost=ten: not a int"), malformed.getMessage());
        Paired.UsageException needsParams = assertThrows(Paired.UsageException.class,
            () -> new Paired.Pair(NeedsParams.class.getMethod("run"), method("single"), Map.of(), () -> now));
        assertTrue(needsParams.getMessage().contains("NeedsParams.setUp takes JMH's parameters"), needsParams.getMessage());
        Paired.UsageException blackhole = assertThrows(Paired.UsageException.class,
            () -> new Paired.Pair(method("withBlackhole", Blackhole.class), method("single"), Map.of(), () -> now));
        assertTrue(blackhole.getMessage().contains("no Blackhole"), blackhole.getMessage());
    }

    @Test
    void resolvesBenchmarksByClassAndMethodAmongTheCompiledOnes() throws Exception {
        List<BenchmarkListEntry> known = new ArrayList<>(BenchmarkList.defaultList()
            .getAll(OutputFormatFactory.createFormatInstance(System.err, VerboseMode.SILENT), List.of()));
        Method update = Paired.resolve("DqnBenchmark.update", known);
        assertEquals("io.rltrader.agent.DqnBenchmark", update.getDeclaringClass().getName());
        assertEquals(update, Paired.resolve("io.rltrader.agent.DqnBenchmark.update", known));
        Paired.UsageException missing = assertThrows(Paired.UsageException.class,
            () -> Paired.resolve("DqnBenchmark.noSuchBenchmark", known));
        assertTrue(missing.getMessage().contains("no benchmark 'DqnBenchmark.noSuchBenchmark'"), missing.getMessage());
        assertThrows(Paired.UsageException.class, () -> Paired.resolve("update", known));
    }
}

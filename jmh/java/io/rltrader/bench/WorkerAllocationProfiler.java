package io.rltrader.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Heap bytes allocated per operation by JMH's worker threads only ({@code worker.alloc.norm}).
 *
 * <p>{@code gc.alloc.rate.norm} divides everything the JVM allocated during an iteration, JMH's
 * own control threads included (some tens of KB per iteration), by the operations of that
 * iteration. For a benchmark of hundreds of microseconds per operation that overhead alone reads as
 * 20-200 B/op, so a gate on it cannot tell a slow allocation-free update from a leaky one. This
 * profiler counts only the threads that run the benchmark method (named {@code ...-jmh-worker-N}),
 * from {@code ThreadMXBean.getThreadAllocatedBytes}, which is exact to the byte.
 */
public final class WorkerAllocationProfiler implements InternalProfiler {
    public static final String METRIC = "worker.alloc.norm";
    /** Operations per measured iteration, to tell JMH's per-iteration bookkeeping from per-op allocation. */
    public static final String OPS = "worker.ops";

    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> before = new HashMap<>();

    @Override
    public String getDescription() {
        return "heap bytes per operation allocated by the benchmark's worker threads";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before.clear();
        for (Thread t : workers()) {
            before.put(t.getId(), threads.getThreadAllocatedBytes(t.getId()));
        }
    }

    @Override
    public List<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                 IterationResult result) {
        long bytes = 0;
        for (Thread t : workers()) {
            long now = threads.getThreadAllocatedBytes(t.getId());
            Long start = before.get(t.getId());
            if (start != null && now >= 0) {
                bytes += now - start;
            }
        }
        long ops = result.getMetadata() == null ? 0 : result.getMetadata().getMeasuredOps();
        double perOp = ops > 0 ? (double) bytes / ops : Double.NaN;
        return List.of(new ScalarResult(METRIC, perOp, "B/op", AggregationPolicy.AVG),
            new ScalarResult(OPS, ops, "ops", AggregationPolicy.AVG));
    }

    private static List<Thread> workers() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().contains("jmh-worker"))
            .toList();
    }
}

package io.rltrader.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Calibrates the allocation gate: allocates exactly one long[16] (16 B header + 128 B) per op,
 * escaping into the Blackhole, so the gate's test can show that its measurement sees 144 B/op.
 * Not a performance benchmark.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class GateCalibrationBenchmark {
    @Benchmark
    public void allocates144Bytes(Blackhole bh) {
        bh.consume(new long[16]);
    }
}

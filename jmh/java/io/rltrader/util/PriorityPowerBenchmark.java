package io.rltrader.util;

import io.rltrader.bench.ItemsPerOp;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The 256 priorities {@code (|delta| + epsilon)^0.6} of a prioritized replay update: by the exponent's
 * tables ({@link FixedExponentPow#pow}, one call per row as the buffer's update loop makes them) and
 * by a logarithm and a power of 2 ({@link FastPow#powInPlace}, what the buffer used before). Each call
 * powers the same Gaussian TD errors. (Their allocation is gated through {@code ReplayBenchmark},
 * which calls the buffer.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class PriorityPowerBenchmark {
    private static final int BATCH = 256;
    private static final float ALPHA = 0.6f;

    private final double[] raw = new double[BATCH];
    private final double[] values = new double[BATCH];
    private final FixedExponentPow table = new FixedExponentPow(ALPHA);

    @Setup
    public void setUp() {
        Rng rng = new Rng(5);
        for (int i = 0; i < BATCH; i++) {
            raw[i] = Math.abs((float) rng.nextGaussian()) + 1e-6f;
        }
    }

    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "power")
    public double[] tablePowers256() {
        for (int i = 0; i < BATCH; i++) {
            values[i] = table.pow(raw[i]);
        }
        return values;
    }

    @Benchmark
    @ItemsPerOp(value = BATCH, unit = "power")
    public double[] logExpPowers256() {
        System.arraycopy(raw, 0, values, 0, BATCH);
        FastPow.powInPlace(values, BATCH, ALPHA);
        return values;
    }
}

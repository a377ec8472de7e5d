package io.rltrader.data;

import io.rltrader.bench.AllocationFree;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Indicator computation over the 5550 bars of ttrc into preallocated off-heap columns: each
 * benchmark is one indicator over the whole series (tools/bench reports ns/bar). These run once per
 * data set in training, but walk-forward and feature sweeps recompute them many times, and they must
 * not allocate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class IndicatorBenchmark {
    private static final int BARS = 5550;
    private MarketData.Asset ttrc;
    private DoubleColumn out;
    private DoubleColumn out2;
    private DoubleColumn scratch;

    @Setup
    public void load() {
        ttrc = DataSources.load("builtin:ttrc", CsvLoader.Options.defaults()).asset(0);
        out = DoubleColumn.allocate("out", BARS);
        out2 = DoubleColumn.allocate("out2", BARS);
        scratch = DoubleColumn.allocate("scratch", BARS);
    }

    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = BARS, unit = "bar")
    public void sma20(Blackhole bh) {
        Indicators.sma(ttrc.price(), 20, out);
        bh.consume(out.get(BARS - 1));
    }

    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = BARS, unit = "bar")
    public void ema10(Blackhole bh) {
        Indicators.ema(ttrc.price(), 10, out);
        bh.consume(out.get(BARS - 1));
    }

    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = BARS, unit = "bar")
    public void rsi14(Blackhole bh) {
        Indicators.rsi(ttrc.price(), 14, out);
        bh.consume(out.get(BARS - 1));
    }

    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = BARS, unit = "bar")
    public void atr14(Blackhole bh) {
        Indicators.atr(ttrc.high(), ttrc.low(), ttrc.price(), 14, out);
        bh.consume(out.get(BARS - 1));
    }

    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = BARS, unit = "bar")
    public void bollingerPercentB20(Blackhole bh) {
        Indicators.bollingerPercentB(ttrc.price(), 20, 2.0, out);
        bh.consume(out.get(BARS - 1));
    }

    @Benchmark
    @AllocationFree
    @ItemsPerOp(value = BARS, unit = "bar")
    public void macdPercentWithSignal(Blackhole bh) {
        Indicators.macdPercent(ttrc.price(), 12, 26, 9, out, out2, scratch);
        bh.consume(out2.get(BARS - 1));
    }
}

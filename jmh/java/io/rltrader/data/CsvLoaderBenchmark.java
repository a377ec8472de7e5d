package io.rltrader.data;

import io.rltrader.bench.ItemsPerOp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Loading the bundled ttrc file (5550 OHLCV rows, ISO dates) from disk into off-heap columns with
 * full validation: what every command pays before it starts. Reported per file; tools/bench divides
 * by the 5550 rows for rows/s. The file is in the page cache, so this measures parsing, not disk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class CsvLoaderBenchmark {
    private Path file;

    @Setup(Level.Trial)
    public void copyFile() throws IOException {
        file = Files.createTempFile("rltrader-bench", ".csv");
        try (InputStream in = DataSources.class.getResourceAsStream("ttrc.csv")) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    @ItemsPerOp(value = 5550, unit = "row")
    public MarketData loadTtrc() {
        return CsvLoader.load(file);
    }
}

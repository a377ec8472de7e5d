package io.rltrader.data;

import io.rltrader.bench.ItemsPerOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Streaming load of large OHLCV files: minute bars with epoch-second times, prices with two
 * decimals and integer volume (about 44 bytes a row; 10 million rows are 438 MB), generated once
 * per trial into a temporary directory. One operation loads the whole file, validated, into
 * off-heap columns; items are rows, so the report gives rows/s. The fork runs with a 256 MB heap,
 * far less than the file, to show that the heap holds no rows; the columns (48 bytes a row) live
 * in direct memory, whose limit is raised accordingly. The file is in the page cache after the
 * first load, so this measures parsing and validation, not the disk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-XX:MaxDirectMemorySize=4g"})
public class LargeCsvLoadBenchmark {
    @Param({"1000000", "10000000"})
    public int rows;

    private Path dir;
    private Path file;

    @Setup(Level.Trial)
    public void writeFile() throws IOException {
        dir = Files.createTempDirectory("rltrader-large-csv");
        file = LargeOhlcvFile.write(dir.resolve("minutes.csv"), rows, 1).file();
    }

    @TearDown(Level.Trial)
    public void deleteFile() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    @ItemsPerOp(param = "rows", unit = "row")
    public MarketData load() {
        return CsvLoader.load(file);
    }
}

package io.rltrader.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader streams: a file far larger than the Java heap loads, because only its values are
 * kept, in off-heap columns. A child JVM with a 48 MB heap loads 2.5 million rows (106 MB of text;
 * as per-row objects or even as on-heap double arrays its six columns would need more than twice
 * that heap) and must reproduce the row count and a checksum of every column computed while the
 * file was written.
 */
class CsvLoaderStreamingTest {
    static final int ROWS = 2_500_000;
    static final String HEAP = "48m";

    @TempDir
    Path dir;

    @Test
    void aFileLargerThanTheHeapLoadsExactlyInAChildJvmWithA48MbHeap() throws Exception {
        LargeOhlcvFile.Written written = LargeOhlcvFile.write(dir.resolve("minutes.csv"), ROWS, 42);
        assertTrue(written.bytes() > 100_000_000L, "file of " + written.bytes() + " bytes");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(inheritedJvmFlags());
        command.addAll(List.of("-Xms" + HEAP, "-Xmx" + HEAP, "-XX:MaxDirectMemorySize=512m",
            "-cp", System.getProperty("java.class.path"), LoadInChild.class.getName(), written.file().toString()));
        Path output = dir.resolve("child.out");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean finished = child.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            child.destroyForcibly();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertTrue(finished, "child JVM did not finish in 120 s: " + text);
        assertEquals(0, child.exitValue(), "child JVM failed: " + text);
        String result = text.lines().filter(l -> l.startsWith("rows=")).findFirst().orElseThrow(
            () -> new AssertionError("no result line in: " + text));
        String[] fields = result.split(" ");
        assertEquals("rows=" + ROWS, fields[0]);
        long[] checksums = Arrays.stream(fields[1].substring("checksums=".length()).split(","))
            .mapToLong(Long::parseLong).toArray();
        assertArrayEquals(LargeOhlcvFile.expected(written), checksums);
    }

    @Test
    void runningOutOfDirectMemoryIsAOneLineErrorNamingTheLimit() throws Exception {
        LargeOhlcvFile.Written written = LargeOhlcvFile.write(dir.resolve("small.csv"), 400_000, 7);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(inheritedJvmFlags());
        command.addAll(List.of("-Xmx" + HEAP, "-XX:MaxDirectMemorySize=8m",
            "-cp", System.getProperty("java.class.path"), LoadInChild.class.getName(), written.file().toString()));
        Path output = dir.resolve("child.out");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(1, child.exitValue(), text);
        String error = text.lines().filter(l -> l.startsWith("error=")).findFirst().orElseThrow(
            () -> new AssertionError("no error line in: " + text));
        assertTrue(error.contains(written.file() + ": out of off-heap memory after "), error);
        assertTrue(error.contains("-XX:MaxDirectMemorySize"), error);
    }

    @Test
    void growthChunksReproduceEveryValueAcrossChunkBoundaries() {
        try (ChunkedColumnBuilder builder = new ChunkedColumnBuilder()) {
            int n = ChunkedColumnBuilder.FIRST_CHUNK_VALUES * 3 + ChunkedColumnBuilder.MAX_CHUNK_VALUES * 2 + 5;
            for (int i = 0; i < n; i++) {
                builder.addDouble(i * 0.5);
            }
            assertEquals(n, builder.size());
            var column = builder.build();
            assertEquals((long) n * 8, column.capacity());
            assertEquals(0, column.addressOffset() % 64, "64-byte aligned");
            for (int i = 0; i < n; i++) {
                assertEquals(i * 0.5, column.getDouble(i << 3), "value " + i);
            }
            assertEquals(0, builder.size());
        }
    }

    /** The JVM flags of this test JVM (module exports, GC, JavaCPP settings) without its heap settings. */
    static List<String> inheritedJvmFlags() {
        List<String> flags = new ArrayList<>();
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("-Xms") || flag.startsWith("-Xmx") || flag.startsWith("-XX:MaxDirectMemorySize")
                || flag.equals("-XX:+AlwaysPreTouch") || flag.startsWith("-javaagent") || flag.startsWith("-agent")) {
                continue;
            }
            flags.add(flag);
        }
        return flags;
    }

    /**
     * Loads the file given as argument and prints {@code rows=N checksums=t,o,h,l,c,v} and the peak
     * heap and resident memory of this JVM; exit code 1 with {@code error=MESSAGE} for a user error.
     */
    public static final class LoadInChild {
        public static void main(String[] args) throws IOException {
            long start = System.nanoTime();
            MarketData data;
            try {
                data = CsvLoader.load(Path.of(args[0]));
            } catch (UserInputException e) {
                System.out.println("error=" + e.getMessage());
                System.exit(1);
                return;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] checksums = LargeOhlcvFile.checksums(data);
            StringBuilder joined = new StringBuilder();
            for (long c : checksums) {
                joined.append(joined.length() == 0 ? "" : ",").append(c);
            }
            long oldGenerationPeak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getName().contains("Old")) {
                    oldGenerationPeak += pool.getPeakUsage().getUsed();
                }
            }
            System.gc();
            Runtime runtime = Runtime.getRuntime();
            System.out.println("rows=" + data.rows() + " checksums=" + joined + " seconds=" + seconds
                + " rows_per_s=" + Math.round(data.rows() / seconds) + " heap_max_mb=" + runtime.maxMemory() / (1 << 20)
                + " heap_after_gc_mb=" + (runtime.totalMemory() - runtime.freeMemory()) / (1 << 20)
                + " old_gen_peak_mb=" + oldGenerationPeak / (1 << 20) + " " + residentPeak());
        }

        private static String residentPeak() throws IOException {
            Path status = Path.of("/proc/self/status");
            if (!Files.isReadable(status)) {
                return "rss_peak=unknown";
            }
            return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> "rss_peak_kb=" + l.replaceAll("[^0-9]", "")).findFirst().orElse("rss_peak=unknown");
        }
    }
}

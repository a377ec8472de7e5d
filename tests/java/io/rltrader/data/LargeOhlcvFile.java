package io.rltrader.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A large OHLCV file of minute bars (epoch seconds, prices with two decimals, integer volume), as
 * data vendors export them, written row by row so that its size is limited by the disk only, with
 * checksums of every column computed from the values as written. A correct load reproduces the
 * checksums exactly: {@code cents / 100.0} is the double nearest to the decimal text, as
 * {@code Double.parseDouble} returns it.
 */
final class LargeOhlcvFile {
    static final String HEADER = "Timestamp,Open,High,Low,Close,Volume";
    static final long FIRST_EPOCH_SECOND = 1_600_000_000L;
    static final int SECONDS_PER_BAR = 60;

    /** What was written: the file, its rows and bytes, and one checksum per column (time as stored, then OHLCV). */
    record Written(Path file, int rows, long bytes, long timeChecksum, long[] valueChecksums) {
    }

    private LargeOhlcvFile() {
    }

    static Written write(Path file, int rows, long seed) throws IOException {
        long state = seed * 0x9E3779B97F4A7C15L + 1;
        long timeChecksum = 0;
        long[] checksums = new long[5];
        long closeCents = 10_000;
        StringBuilder line = new StringBuilder(64);
        try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
            out.write(HEADER);
            out.write('\n');
            for (int row = 0; row < rows; row++) {
                state = next(state);
                long openCents = closeCents;
                closeCents = Math.max(1, openCents + (int) ((state >>> 33) % 41) - 20);
                long highCents = Math.max(openCents, closeCents) + (int) ((state >>> 20) % 7);
                long lowCents = Math.max(1, Math.min(openCents, closeCents) - (int) ((state >>> 10) % 7));
                long volume = (state >>> 40) % 100_000;
                long second = FIRST_EPOCH_SECOND + (long) row * SECONDS_PER_BAR;
                line.setLength(0);
                line.append(second).append(',');
                appendCents(line, openCents).append(',');
                appendCents(line, highCents).append(',');
                appendCents(line, lowCents).append(',');
                appendCents(line, closeCents).append(',');
                line.append(volume).append('\n');
                out.append(line);
                timeChecksum = mix(timeChecksum, second * 1000);
                checksums[0] = mix(checksums[0], Double.doubleToLongBits(openCents / 100.0));
                checksums[1] = mix(checksums[1], Double.doubleToLongBits(highCents / 100.0));
                checksums[2] = mix(checksums[2], Double.doubleToLongBits(lowCents / 100.0));
                checksums[3] = mix(checksums[3], Double.doubleToLongBits(closeCents / 100.0));
                checksums[4] = mix(checksums[4], Double.doubleToLongBits((double) volume));
            }
        }
        return new Written(file, rows, Files.size(file), timeChecksum, checksums);
    }

    /** The checksums of loaded data, in the order of {@link Written}: time, then Open, High, Low, Close, Volume. */
    static long[] checksums(MarketData data) {
        MarketData.Asset asset = data.asset(0);
        DoubleColumn[] columns = {asset.open(), asset.high(), asset.low(), asset.price(), asset.volume()};
        long[] out = new long[6];
        for (int row = 0; row < data.rows(); row++) {
            out[0] = mix(out[0], data.time(row));
            for (int c = 0; c < columns.length; c++) {
                out[c + 1] = mix(out[c + 1], Double.doubleToLongBits(columns[c].get(row)));
            }
        }
        return out;
    }

    static long[] expected(Written written) {
        long[] out = new long[6];
        out[0] = written.timeChecksum();
        System.arraycopy(written.valueChecksums(), 0, out, 1, 5);
        return out;
    }

    private static StringBuilder appendCents(StringBuilder out, long cents) {
        out.append(cents / 100).append('.');
        long fraction = cents % 100;
        if (fraction < 10) {
            out.append('0');
        }
        return out.append(fraction);
    }

    /** One step of a 64-bit xorshift-multiply generator (the file only needs to look irregular). */
    private static long next(long x) {
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        return x * 0x2545F4914F6CDD1DL;
    }

    /** An order-sensitive checksum step over 64-bit words. */
    private static long mix(long hash, long value) {
        return (hash ^ value) * 0x100000001B3L + 0x9E3779B97F4A7C15L;
    }
}

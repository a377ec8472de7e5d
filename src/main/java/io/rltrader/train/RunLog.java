package io.rltrader.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A run's {@code train.jsonl}: one JSON object per line, each handed to the operating system as it
 * is written (a killed process loses no line it reported), forced to disk at every checkpoint, whose
 * run state records the length at that moment; a resumed run cuts the file back to that length.
 */
final class RunLog implements AutoCloseable {
    private static final ObjectMapper LINES = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;

    private RunLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** A new, empty log ({@code keepBytes} 0), or an existing one cut back to {@code keepBytes}. */
    static RunLog open(Path file, long keepBytes) {
        try {
            if (keepBytes == 0) {
                return new RunLog(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING));
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
            long size = channel.size();
            if (size < keepBytes) {
                channel.close();
                throw new UserInputException(file + " holds " + size + " bytes but the checkpoint saw " + keepBytes
                    + "; the log was cut short outside rltrader, so the run cannot be resumed exactly");
            }
            channel.truncate(keepBytes);
            channel.position(keepBytes);
            return new RunLog(file, channel);
        } catch (IOException e) {
            throw new UserInputException("cannot open " + file + " (" + e.getMessage() + ")");
        }
    }

    void append(Map<String, Object> line) {
        try {
            byte[] json = LINES.writeValueAsBytes(line);
            ByteBuffer bytes = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("log line cannot be written as JSON: " + line, e);
        } catch (IOException e) {
            throw new UserInputException("cannot append to " + file + " (" + e.getMessage() + ")");
        }
    }

    /** Forces what was written to disk; returns the log's length in bytes. */
    long force() {
        try {
            channel.force(false);
            return channel.position();
        } catch (IOException e) {
            throw new UserInputException("cannot write " + file + " (" + e.getMessage() + ")");
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UserInputException("cannot close " + file + " (" + e.getMessage() + ")");
        }
    }
}

package io.rltrader.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * File-system steps every writer of a result file shares (checkpoints, datasets, run configs,
 * reports): durable writes, atomic renames, cleanup, so a kill leaves the old or the new file.
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    /** Writes {@code parts} one after another to a new (or truncated) {@code file} and forces them to disk. */
    public static void writeAndForce(Path file, List<ByteBuffer> parts) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (ByteBuffer part : parts) {
                ByteBuffer remaining = part.duplicate();
                while (remaining.hasRemaining()) {
                    channel.write(remaining);
                }
            }
            channel.force(true);
        }
    }

    /**
     * Writes {@code bytes} to {@code file} so that a reader or a kill at any moment sees the old file
     * or the complete new one: a forced temporary file beside it, an atomic rename, a forced directory.
     */
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path target = file.toAbsolutePath();
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            writeAndForce(temporary, List.of(ByteBuffer.wrap(bytes)));
            moveAtomically(temporary, target);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        forceDirectory(target.getParent());
    }

    /**
     * Renames {@code from} to {@code to} atomically, replacing a file at {@code to}; only where the
     * file system cannot rename atomically does it fall back to a plain replacing move.
     */
    public static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Forces a directory's entries (the names created and renamed in it) to disk, so a rename
     * survives a power loss. Where the platform cannot open a directory (Windows), the rename is
     * as durable as the platform makes it and there is nothing more to do.
     */
    public static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not supported for directories on this platform.
        }
    }

    /**
     * Deletes {@code path} and everything below it, deepest first, calling {@code afterEach} after
     * each deletion; a missing path is not an error.
     */
    public static void deleteRecursively(Path path, Consumer<String> afterEach) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> deepestFirst;
        try (Stream<Path> walk = Files.walk(path)) {
            deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path entry : deepestFirst) {
            try {
                Files.delete(entry);
            } catch (NoSuchFileException e) {
                // Already gone.
            }
            afterEach.accept("deleted " + entry.getFileName());
        }
    }
}

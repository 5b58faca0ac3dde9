package dev.imageclassifier.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes files so that readers see either the old content or the complete new one, never half a file:
 * write a temporary file beside the target, flush it to disk, then rename it over the target. The temporary
 * is named {@code .<target>.<pid>-<random>.tmp}, so that one left by a killed process can be told from one
 * being written now: {@link #removeStaleTemporaries} deletes those whose process is gone, and every
 * (synced) write of a target does so first.
 */
public final class AtomicFiles {

    private static final long PID = ProcessHandle.current().pid();
    /** Temporaries from before the process id was in their name: stale once this old. */
    private static final Duration UNNAMED_STALE_AFTER = Duration.ofHours(1);

    /** Something that writes the whole content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    public static void write(Path target, Writer writer) throws IOException {
        write(target, writer, true);
    }

    /**
     * Atomic but not flushed to disk: for cache entries, where a file lost in a power cut is simply
     * computed again, and thousands of fsyncs would cost more than the work they protect.
     */
    public static void writeUnsynced(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content), false);
    }

    /** Temporary files are private (0600); the result should be as readable as any file the user writes. */
    private static void readableByAll(Path temp, Path target) throws IOException {
        if (!Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Files.setPosixFilePermissions(temp, Files.exists(target)
                ? Files.getPosixFilePermissions(target) : PosixFilePermissions.fromString("rw-r--r--"));
    }

    /**
     * Deletes the temporaries of {@code target} left by processes that are gone (killed mid-write); those of
     * live processes, this one included, are left alone.
     *
     * @return how many were deleted
     */
    public static int removeStaleTemporaries(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        Pattern ours = Pattern.compile(Pattern.quote("." + absolute.getFileName() + ".") + "(?:(\\d+)-)?-?\\d+\\.tmp");
        int removed = 0;
        try (DirectoryStream<Path> candidates = Files.newDirectoryStream(dir, "." + globEscaped(absolute.getFileName().toString()) + ".*.tmp")) {
            for (Path candidate : candidates) {
                Matcher name = ours.matcher(candidate.getFileName().toString());
                if (name.matches() && isStale(candidate, name.group(1)) && Files.deleteIfExists(candidate)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static boolean isStale(Path temp, String pid) throws IOException {
        Instant written = Files.getLastModifiedTime(temp).toInstant();
        if (pid == null) {
            return written.isBefore(Instant.now().minus(UNNAMED_STALE_AFTER));
        }
        Optional<ProcessHandle> writer = ProcessHandle.of(Long.parseLong(pid));
        if (writer.isEmpty()) {
            return true;
        }
        // The id of a dead process can be given to a new one (a container's pid 1 restarted): that one started later.
        return writer.get().info().startInstant().map(started -> started.isAfter(written)).orElse(false);
    }

    private static String globEscaped(String name) {
        return name.replaceAll("([*?\\[\\]{}\\\\])", "\\\\$1");
    }

    private static void write(Path target, Writer writer, boolean sync) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        if (sync) {
            removeStaleTemporaries(absolute); // not for cache entries: thousands of writes, each would list its folder
        }
        Path temp = Files.createTempFile(dir, "." + absolute.getFileName() + "." + PID + "-", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
                writer.writeTo(out);
            }
            readableByAll(temp, absolute);
            if (sync) {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}

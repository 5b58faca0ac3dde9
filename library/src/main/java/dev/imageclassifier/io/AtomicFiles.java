package dev.imageclassifier.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /**
     * Writes several files as one step: every temporary file is written and flushed first, and only when all
     * of them are on disk are they renamed over their targets, in the order given. A failure before the
     * renames (a full disk, a read-only folder) leaves every previous file as it was.
     */
    public static void writeTogether(Map<Path, Writer> files) throws IOException {
        List<Staged> staged = new ArrayList<>();
        try {
            for (Map.Entry<Path, Writer> file : files.entrySet()) {
                staged.add(stage(file.getKey(), file.getValue(), true));
            }
            for (Staged file : staged) {
                file.commit();
            }
        } finally {
            for (Staged file : staged) {
                file.discard();
            }
        }
    }

    /**
     * Checks, before long work, that a file can later be written at {@code target}: it is not a folder,
     * its folder can be created and written, and it has {@code bytesNeeded} free. Says which in words.
     */
    public static void checkWritable(Path target, long bytesNeeded) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new IOException(target + " is a folder; give a file name (e.g. " + target.resolve("classifier.onnx") + ")");
        }
        Path dir = absolute.getParent();
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, "." + absolute.getFileName() + "." + PID + "-", ".check"));
        } catch (IOException e) {
            throw new IOException("cannot write to " + dir + " (" + reason(e) + ")", e);
        }
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < bytesNeeded) {
            throw new IOException(String.format(java.util.Locale.ROOT, "not enough space in %s: %.1f MB free, about %.1f MB needed",
                    dir, free / 1e6, bytesNeeded / 1e6));
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage();
    }

    /**
     * A failure to create the temporary names the folder, not the temporary the user never asked for (a
     * read-only results folder is "permission denied: results", not ".metrics.json.123-456.tmp"), keeping its kind.
     */
    private static FileSystemException namingTheFolder(FileSystemException e, Path dir) {
        Path failed = e.getFile() == null ? null : Path.of(e.getFile()).getFileName();
        if (failed == null || !failed.toString().startsWith(".") || !failed.toString().endsWith(".tmp")) {
            return e; // it names the folder, or a folder above it, already
        }
        String reason = e.getReason() != null ? e.getReason() : "cannot create a file in this folder";
        FileSystemException named = e instanceof AccessDeniedException ? new AccessDeniedException(dir.toString(), null, reason)
                : e instanceof NoSuchFileException ? new NoSuchFileException(dir.toString(), null, reason)
                : new FileSystemException(dir.toString(), null, reason);
        named.initCause(e);
        return named;
    }

    /** Temporary files are private (0600); the result should be as readable as any file the user writes. */
    private static void readableByAll(Path temp, Path target) throws IOException {
        if (!Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Files.setPosixFilePermissions(temp, Files.exists(target)
                ? Files.getPosixFilePermissions(target) : PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void write(Path target, Writer writer, boolean sync) throws IOException {
        Staged staged = stage(target, writer, sync);
        try {
            staged.commit();
        } finally {
            staged.discard();
        }
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
        Pattern ours = Pattern.compile(Pattern.quote("." + absolute.getFileName() + ".") + "(?:(\\d+)-)?-?\\d+\\.(?:tmp|check)");
        int removed = 0;
        try (DirectoryStream<Path> candidates = Files.newDirectoryStream(dir, "." + globEscaped(absolute.getFileName().toString()) + ".*.{tmp,check}")) {
            for (Path candidate : candidates) {
                Matcher name = ours.matcher(candidate.getFileName().toString());
                if (name.matches() && isStale(candidate, name.group(1)) && Files.deleteIfExists(candidate)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /**
     * Deletes, anywhere under {@code root}, the temporaries of any target left by processes that are gone: for
     * folders of many small files written without a sweep each (a cache), cleared once before use.
     *
     * @return how many were deleted
     */
    public static int removeStaleTemporariesUnder(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        Pattern any = Pattern.compile("\\..+\\.(?:(\\d+)-)?-?\\d+\\.tmp");
        int removed = 0;
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            for (Path candidate : (Iterable<Path>) files::iterator) {
                Matcher name = any.matcher(candidate.getFileName().toString());
                if (name.matches() && Files.isRegularFile(candidate) && isStale(candidate, name.group(1))
                        && Files.deleteIfExists(candidate)) {
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

    /** A complete temporary file beside its target, waiting to be renamed over it. */
    private record Staged(Path temp, Path target) {

        void commit() throws IOException {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }

        void discard() throws IOException {
            Files.deleteIfExists(temp);
        }
    }

    private static Staged stage(Path target, Writer writer, boolean sync) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp;
        try {
            Files.createDirectories(dir);
            if (sync) {
                removeStaleTemporaries(absolute); // not for cache entries: thousands of writes, each would list its folder
            }
            temp = Files.createTempFile(dir, "." + absolute.getFileName() + "." + PID + "-", ".tmp");
        } catch (FileSystemException e) {
            throw namingTheFolder(e, dir);
        }
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
            return new Staged(temp, absolute);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }
}

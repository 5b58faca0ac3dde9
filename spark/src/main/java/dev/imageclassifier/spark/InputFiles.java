package dev.imageclassifier.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The files of classify's input, listed on the driver with Hadoop's {@link FileSystem}, and read on the
 * executors. Every file is listed, unlike with Spark's file sources, which skip names starting with
 * {@code .} or {@code _} and files of zero bytes; on a local file system also what Hadoop's own listing
 * drops: broken symbolic links. A file that cannot be read is listed with the reason, and becomes an
 * error row.
 */
final class InputFiles {

    /** The largest file read into one array. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 16;

    /**
     * One file.
     *
     * @param path    as Spark's file sources write it ({@code file:/…}, {@code s3a://…})
     * @param uri     the same, escaped, to open it with
     * @param problem why it cannot be classified, or null
     */
    record Entry(String path, String uri, String problem) implements Serializable {
    }

    /** A file that is no input for the model: the row gets {@code getMessage()} as its error. */
    static final class Unreadable extends Exception {
        Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Hadoop's configuration, for the executors (it is not serializable itself). */
    static final class Conf implements Serializable {
        private transient Configuration value;

        Conf(Configuration value) {
            this.value = value;
        }

        Configuration value() {
            return value;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            value.write(out);
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            value = new Configuration(false);
            value.readFields(in);
        }
    }

    private InputFiles() {
    }

    /**
     * @param input    a path or glob
     * @param nameGlob only file names matching this glob ({@code *.jpg}); null for every file
     * @throws FileNotFoundException when nothing matches {@code input}
     */
    static List<Entry> list(Configuration conf, String input, String nameGlob) throws IOException {
        Path pattern = new Path(input);
        FileSystem fs = pattern.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(pattern);
        if (matches == null || matches.length == 0) {
            throw new FileNotFoundException(input + ": no such file or folder");
        }
        GlobFilter filter = nameGlob == null ? null : new GlobFilter(nameGlob);
        boolean local = "file".equals(fs.getScheme());
        List<Entry> entries = new ArrayList<>();
        Set<java.nio.file.Path> listed = new HashSet<>();
        for (FileStatus match : matches) {
            if (!match.isDirectory()) {
                add(match, filter, entries);
            } else if (local) {
                walkLocal(fs, match.getPath(), filter, entries, listed);
            } else {
                RemoteIterator<LocatedFileStatus> files = fs.listFiles(match.getPath(), true);
                while (files.hasNext()) {
                    add(files.next(), filter, entries);
                }
            }
        }
        entries.sort(Comparator.comparing(Entry::path));
        return entries;
    }

    /** A local folder, recursively; {@code listed} holds the real paths of folders seen (symbolic links may loop). */
    private static void walkLocal(FileSystem fs, Path dir, GlobFilter filter, List<Entry> entries, Set<java.nio.file.Path> listed)
            throws IOException {
        java.nio.file.Path nioDir = java.nio.file.Path.of(dir.toUri());
        if (!listed.add(nioDir.toRealPath())) {
            return;
        }
        FileStatus[] children;
        try {
            children = fs.listStatus(dir);
        } catch (IOException e) {
            entries.add(new Entry(dir.toString(), dir.toUri().toString(), "the folder cannot be listed: " + reason(e)));
            return;
        }
        Set<String> names = new HashSet<>();
        for (FileStatus child : children) {
            names.add(child.getPath().getName());
            if (child.isDirectory()) {
                walkLocal(fs, child.getPath(), filter, entries, listed);
            } else {
                add(child, filter, entries);
            }
        }
        // Hadoop's local listing leaves out what it cannot stat: broken symbolic links, above all
        String[] onDisk = new File(nioDir.toString()).list();
        for (String name : onDisk == null ? new String[0] : onDisk) {
            Path path = new Path(dir, new Path(null, null, name));
            if (!names.contains(name) && (filter == null || filter.accept(path))) {
                entries.add(new Entry(path.toString(), path.toUri().toString(), missing(nioDir.resolve(name))));
            }
        }
    }

    private static String missing(java.nio.file.Path file) {
        if (Files.isSymbolicLink(file) && !Files.exists(file)) {
            try {
                return "a broken symbolic link (its target " + Files.readSymbolicLink(file) + " does not exist)";
            } catch (IOException e) {
                return "a broken symbolic link";
            }
        }
        return "the file cannot be read (it vanished or is not accessible)";
    }

    private static void add(FileStatus file, GlobFilter filter, List<Entry> entries) {
        if (filter != null && !filter.accept(file.getPath())) {
            return;
        }
        String problem = null;
        if (file.getLen() == 0) {
            problem = "the file is empty (0 bytes)";
        } else if (file.getLen() > MAX_BYTES) {
            problem = "the file is too large to classify (" + file.getLen() + " bytes)";
        }
        entries.add(new Entry(file.getPath().toString(), file.getPath().toUri().toString(), problem));
    }

    /** The file's bytes (executor side). */
    static byte[] read(Entry entry, Configuration conf) throws Unreadable {
        if (entry.problem() != null) {
            throw new Unreadable(entry.problem());
        }
        Path path = new Path(URI.create(entry.uri()));
        byte[] content;
        try (FSDataInputStream in = path.getFileSystem(conf).open(path)) {
            content = in.readNBytes((int) MAX_BYTES + 1);
        } catch (IOException e) {
            throw new Unreadable("the file cannot be read: " + reason(e));
        }
        if (content.length == 0) {
            throw new Unreadable("the file is empty (0 bytes)");
        }
        if (content.length > MAX_BYTES) {
            throw new Unreadable("the file is too large to classify (over " + MAX_BYTES + " bytes)");
        }
        return content;
    }

    /** An I/O failure in words, without exception class names. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException || e instanceof org.apache.hadoop.security.AccessControlException
                || String.valueOf(e.getMessage()).contains("Permission denied")) {
            return "permission denied";
        }
        if (e instanceof FileNotFoundException || e instanceof java.nio.file.NoSuchFileException) {
            return "it no longer exists";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? "an input/output error" : message;
    }
}

package dev.imageclassifier.fetch;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds small zip, tar and tar.gz archives in memory, including hostile ones, for extraction tests. */
public final class TestArchives {

    /** One archive entry: a file (content), a folder, or a link to {@code linkTarget}. */
    public record Entry(String name, byte[] content, Kind kind, String linkTarget) {
        public enum Kind { FILE, FOLDER, SYMLINK, HARDLINK }
    }

    private TestArchives() {
    }

    public static Entry file(String name, byte[] content) {
        return new Entry(name, content, Entry.Kind.FILE, null);
    }

    public static Entry file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    public static Entry folder(String name) {
        return new Entry(name.endsWith("/") ? name : name + "/", new byte[0], Entry.Kind.FOLDER, null);
    }

    public static Entry symlink(String name, String target) {
        return new Entry(name, new byte[0], Entry.Kind.SYMLINK, target);
    }

    public static Entry hardlink(String name, String target) {
        return new Entry(name, new byte[0], Entry.Kind.HARDLINK, target);
    }

    public static byte[] tar(List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        writeTar(entries, bytes);
        return bytes.toByteArray();
    }

    public static byte[] tarGz(List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(bytes)) {
            writeTar(entries, gzip);
        }
        return bytes.toByteArray();
    }

    public static byte[] zip(List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (Entry entry : entries) {
                ZipArchiveEntry zipEntry = new ZipArchiveEntry(entry.name());
                byte[] content = entry.content();
                switch (entry.kind()) {
                    case SYMLINK -> {
                        zipEntry.setUnixMode(UnixStat.LINK_FLAG | 0777);
                        content = entry.linkTarget().getBytes(StandardCharsets.UTF_8);
                    }
                    case HARDLINK -> throw new IllegalArgumentException("zip has no hard links");
                    default -> { }
                }
                zip.putArchiveEntry(zipEntry);
                zip.write(content);
                zip.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static void writeTar(List<Entry> entries, OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (Entry entry : entries) {
            TarArchiveEntry tarEntry = switch (entry.kind()) {
                case FILE, FOLDER -> new TarArchiveEntry(entry.name(), true); // true: keep absolute names as given
                case SYMLINK -> new TarArchiveEntry(entry.name(), TarConstants.LF_SYMLINK, true);
                case HARDLINK -> new TarArchiveEntry(entry.name(), TarConstants.LF_LINK, true);
            };
            if (entry.linkTarget() != null) {
                tarEntry.setLinkName(entry.linkTarget());
            }
            if (entry.kind() == Entry.Kind.FILE) {
                tarEntry.setSize(entry.content().length);
            }
            tar.putArchiveEntry(tarEntry);
            tar.write(entry.content());
            tar.closeArchiveEntry();
        }
        tar.finish();
    }
}

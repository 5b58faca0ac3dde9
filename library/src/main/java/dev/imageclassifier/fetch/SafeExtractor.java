package dev.imageclassifier.fetch;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.Locale;

/**
 * Unpacks zip, tar and tar.gz archives from untrusted sources into a folder, and nothing outside it.
 *
 * <p>Rejected with {@link ArchiveRejectedException}: absolute entry names, names that climb out of the
 * target ({@code ../}, zip-slip / tar-slip), symbolic or hard links whose target lies outside it, device
 * and FIFO entries, and more bytes or entries than the {@link ExtractionLimits} allow (counted as written,
 * so a lying header does not help a zip bomb). Links that stay inside are unpacked as copies of the file
 * they point to, so the unpacked tree never contains a link that a later entry could write through.
 *
 * <p>An archive is rejected part-way, so unpack into a fresh folder and delete it on failure (as
 * {@code Caltech101} does). One extractor counts everything it unpacks against one set of limits.
 */
public final class SafeExtractor {

    private final ExtractionLimits limits;
    private long entries;
    private long bytes;

    public SafeExtractor(ExtractionLimits limits) {
        this.limits = limits;
    }

    /** Unpacks a {@code .zip}, {@code .tar}, {@code .tar.gz} or {@code .tgz} file, told apart by its name. */
    public void extract(Path archive, Path target) throws IOException {
        String name = archive.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".zip")) {
            extractZip(archive, target);
        } else if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
            try (InputStream in = Files.newInputStream(archive)) {
                extractTarGz(in, target);
            }
        } else if (name.endsWith(".tar")) {
            try (InputStream in = Files.newInputStream(archive)) {
                extractTar(in, target);
            }
        } else {
            throw new ArchiveRejectedException(archive + " is not a .zip, .tar, .tar.gz or .tgz file");
        }
    }

    /** Opens a zip file for reading single entries; a file that is no zip is rejected. */
    public static ZipFile openZip(Path archive) throws ArchiveRejectedException {
        try {
            return ZipFile.builder().setPath(archive).get();
        } catch (IOException e) {
            throw new ArchiveRejectedException(archive + " is not a readable zip archive: " + e.getMessage(), e);
        }
    }

    public void extractZip(Path archive, Path target) throws IOException {
        Path root = prepareRoot(target);
        try (ZipFile zip = openZip(archive)) {
            for (Enumeration<ZipArchiveEntry> all = zip.getEntriesInPhysicalOrder(); all.hasMoreElements(); ) {
                ZipArchiveEntry entry = all.nextElement();
                Path destination = destination(root, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                } else if (entry.isUnixSymlink()) {
                    copyLinkTarget(root, destination, entry.getName(), zip.getUnixSymlink(entry), false);
                } else if (!zip.canReadEntryData(entry)) {
                    throw new ArchiveRejectedException("zip entry '" + entry.getName() + "' uses an unsupported compression or encryption");
                } else {
                    try (InputStream in = zip.getInputStream(entry)) {
                        writeFile(in, destination);
                    }
                }
            }
        }
    }

    /** Unpacks a gzip-compressed tar stream (the caller closes {@code in}). */
    public void extractTarGz(InputStream in, Path target) throws IOException {
        GzipCompressorInputStream gunzipped;
        try {
            gunzipped = GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
        } catch (IOException e) {
            throw new ArchiveRejectedException("not a gzip-compressed archive: " + e.getMessage(), e);
        }
        extractTar(gunzipped, target);
    }

    /** Unpacks an uncompressed tar stream (the caller closes {@code in}). */
    public void extractTar(InputStream in, Path target) throws IOException {
        Path root = prepareRoot(target);
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        while (true) {
            TarArchiveEntry entry;
            try {
                entry = tar.getNextEntry();
            } catch (IOException e) {
                throw new ArchiveRejectedException("corrupt tar archive: " + e.getMessage(), e);
            }
            if (entry == null) {
                return;
            }
            Path destination = destination(root, entry.getName());
            // links first: commons-compress also calls a link entry a "file"
            if (entry.isSymbolicLink() || entry.isLink()) {
                copyLinkTarget(root, destination, entry.getName(), entry.getLinkName(), entry.isLink());
            } else if (entry.isDirectory()) {
                Files.createDirectories(destination);
            } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO() || !tar.canReadEntryData(entry)) {
                throw new ArchiveRejectedException("tar entry '" + entry.getName() + "' is a device, FIFO or unsupported entry type");
            } else {
                writeFile(tar, destination);
            }
        }
    }

    /** Bytes written so far, across all archives. */
    public long bytesWritten() {
        return bytes;
    }

    /** Entries unpacked so far, across all archives. */
    public long entriesUnpacked() {
        return entries;
    }

    private static Path prepareRoot(Path target) throws IOException {
        Files.createDirectories(target);
        return target.toRealPath();
    }

    /** Where an entry goes; refuses names that are absolute or climb out of the root. */
    private Path destination(Path root, String name) throws ArchiveRejectedException {
        if (++entries > limits.maxEntries()) {
            throw new ArchiveRejectedException("the archive has more than " + limits.maxEntries() + " entries, the limit");
        }
        if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
            throw new ArchiveRejectedException("archive entry '" + name + "' has an absolute path");
        }
        Path destination;
        try {
            destination = root.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw new ArchiveRejectedException("archive entry '" + name + "' is not a valid file name here", e);
        }
        if (!destination.startsWith(root)) {
            throw new ArchiveRejectedException("archive entry '" + name + "' would be written outside the target folder");
        }
        return destination;
    }

    /**
     * Unpacks a link as a copy of the already unpacked file it points to. Symbolic link targets are
     * relative to the link's folder, hard link targets to the archive root.
     */
    private void copyLinkTarget(Path root, Path destination, String name, String linkTarget, boolean hard) throws IOException {
        Path base = hard ? root : destination.getParent();
        Path source;
        try {
            source = base.resolve(linkTarget).normalize();
        } catch (InvalidPathException e) {
            throw new ArchiveRejectedException("link '" + name + "' has an invalid target '" + linkTarget + "'", e);
        }
        if (linkTarget.startsWith("/") || !source.startsWith(root)) {
            throw new ArchiveRejectedException("link '" + name + "' points to '" + linkTarget + "', outside the target folder");
        }
        if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArchiveRejectedException("link '" + name + "' points to '" + linkTarget
                    + "', which is not a file unpacked before it (only links to earlier files are supported)");
        }
        try (InputStream in = Files.newInputStream(source)) {
            writeFile(in, destination);
        }
    }

    /** Copies one entry's bytes to a new file, counting them against the limit as they are written. */
    private void writeFile(InputStream in, Path destination) throws IOException {
        Files.createDirectories(destination.getParent());
        byte[] buffer = new byte[1 << 16];
        // NOFOLLOW_LINKS: never write through a link that was in the target before us
        try (OutputStream out = Files.newOutputStream(destination, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                bytes += n;
                if (bytes > limits.maxBytes()) {
                    throw new ArchiveRejectedException("the archive unpacks to more than " + limits.maxBytes() + " bytes, the limit");
                }
                out.write(buffer, 0, n);
            }
        }
    }
}

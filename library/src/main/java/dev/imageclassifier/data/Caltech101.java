package dev.imageclassifier.data;

import dev.imageclassifier.fetch.ArchiveRejectedException;
import dev.imageclassifier.DownloadException;
import dev.imageclassifier.ProgressListener;
import dev.imageclassifier.fetch.DownloadOptions;
import dev.imageclassifier.fetch.Downloader;
import dev.imageclassifier.fetch.ExtractionLimits;
import dev.imageclassifier.fetch.FileLocks;
import dev.imageclassifier.fetch.SafeExtractor;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.io.ProgressText;
import dev.imageclassifier.io.Sha256;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Caltech-101 (Li, Andreeto, Ranzato, Perona; CaltechDATA record mzrjq-6wc02, CC BY 4.0), fetched and
 * unpacked once into a data folder and reused from then on.
 *
 * <p>Layout under {@code <data-dir>}:
 * <pre>
 * caltech-101/                          the dataset, present only when complete
 *   101_ObjectCategories/&lt;class&gt;/image_0001.jpg   102 class folders (incl. BACKGROUND_Google), what {@link #ensure} returns
 *   Annotations/...                     outlines and boxes from Annotations.tar, when the archive has it
 *   .complete.json                      written last: source URL, SHA-256 of the zip, counts
 * caltech-101.zip(.part)                the download; deleted once unpacked
 * .caltech-101.lock                     held while one process prepares the dataset (others wait)
 * </pre>
 *
 * <p>The official {@code caltech-101.zip} holds {@code caltech-101/101_ObjectCategories.tar.gz} and
 * {@code caltech-101/Annotations.tar}; both are streamed out of the zip through a {@link SafeExtractor}
 * into a staging folder beside the target, which is renamed to {@code caltech-101} only after everything
 * is unpacked and the marker is written. So an interrupted or rejected run never leaves a folder that
 * looks like a dataset. "Complete" means: {@code caltech-101/.complete.json} exists.
 */
public final class Caltech101 {

    /** The official download (about 131 MB). */
    public static final URI OFFICIAL_URL = URI.create("https://data.caltech.edu/records/mzrjq-6wc02/files/caltech-101.zip?download=1");
    /** Environment variable that replaces {@link #OFFICIAL_URL}, for mirrors. */
    public static final String URL_ENV = "CALTECH101_URL";
    /** The dataset folder inside the data folder. */
    public static final String FOLDER = "caltech-101";
    /** The class-per-folder image tree inside {@link #FOLDER}. */
    public static final String CATEGORIES = "101_ObjectCategories";

    static final String MARKER = ".complete.json";
    private static final String ZIP = "caltech-101.zip";
    private static final String STAGING_PREFIX = ".caltech-101.staging-";
    private static final String LOCK = ".caltech-101.lock";

    private final URI source;
    private final Downloader downloader;
    private final ExtractionLimits limits;

    /**
     * @param source     where {@code caltech-101.zip} comes from
     * @param downloader fetches it (only when the dataset is missing and not in offline mode)
     * @param limits     caps on what unpacking may write
     */
    public Caltech101(URI source, Downloader downloader, ExtractionLimits limits) {
        this.source = source;
        this.downloader = downloader;
        this.limits = limits;
    }

    /** From {@value #URL_ENV} or the official URL, with default download options and limits, telling {@code progress}. */
    public static Caltech101 fromEnvironment(ProgressListener progress) {
        return new Caltech101(sourceFromEnvironment(), new Downloader(DownloadOptions.defaults().withProgress(progress)),
                ExtractionLimits.DEFAULT);
    }

    /** {@value #URL_ENV} when set, else {@link #OFFICIAL_URL}. */
    public static URI sourceFromEnvironment() {
        return sourceFromEnvironment(System.getenv());
    }

    static URI sourceFromEnvironment(Map<String, String> env) {
        String configured = env.get(URL_ENV);
        if (configured == null || configured.isBlank()) {
            return OFFICIAL_URL;
        }
        URI uri;
        try {
            uri = URI.create(configured.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(URL_ENV + "=" + configured + " is not a URL", e);
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null) {
            throw new IllegalArgumentException(URL_ENV + "=" + configured + " is not an http(s) URL");
        }
        return uri;
    }

    /** The {@code 101_ObjectCategories} folder under {@code dataDir} if the dataset there is complete. */
    public static Optional<Path> existing(Path dataDir) {
        Path dataset = dataDir.resolve(FOLDER);
        return Files.isRegularFile(dataset.resolve(MARKER)) ? Optional.of(dataset.resolve(CATEGORIES)) : Optional.empty();
    }

    /**
     * Returns {@code <dataDir>/caltech-101/101_ObjectCategories}, downloading and unpacking the dataset
     * first unless it is already complete. A finished download from an interrupted earlier run is unpacked
     * without network access, also in offline mode.
     *
     * @param offline never touch the network; fail with instructions when the dataset is missing
     * @throws DownloadException        when offline and missing, or the download fails
     * @throws ArchiveRejectedException when the archive is unsafe, too big, or not Caltech-101's layout
     */
    public Path ensure(Path dataDir, boolean offline) throws IOException {
        dataDir = dataDir.toAbsolutePath().normalize();
        Optional<Path> ready = existing(dataDir);
        if (ready.isPresent()) {
            return ready.get();
        }
        Path dataset = dataDir.resolve(FOLDER);
        Path zip = dataDir.resolve(ZIP);
        if (offline && !Files.isRegularFile(zip)) {
            throw new DownloadException("Caltech-101 is not in " + dataset + ", and offline it cannot be downloaded (about 131 MB from "
                    + source + ")", source, 0, true, null);
        }
        Files.createDirectories(dataDir);
        try (FileChannel lockFile = FileChannel.open(dataDir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            waitForLock(lockFile, dataDir); // a second process waits here, then finds the dataset ready; closing releases it
            Optional<Path> finished = existing(dataDir);
            if (finished.isPresent()) {
                return finished.get();
            }
            if (Files.exists(dataset)) {
                throw new IOException(dataset + " exists but is not marked complete (no " + MARKER + "), so it may be a partial"
                        + " copy: delete it to download again, or use " + dataset.resolve(CATEGORIES) + " as it is");
            }
            deleteStaleStaging(dataDir);
            String zipSha256 = Files.isRegularFile(zip) ? Sha256.of(zip) : downloader.download(source, zip, null).sha256();
            install(zip, zipSha256, dataset);
            Files.deleteIfExists(zip);
            return dataset.resolve(CATEGORIES);
        }
    }

    private void waitForLock(FileChannel lockFile, Path dataDir) throws IOException {
        FileLocks.lock(lockFile, () -> downloader.progress().note("Waiting for another process that is preparing Caltech-101 in "
                + dataDir + " (it holds " + dataDir.resolve(LOCK) + ")…"));
    }

    /** Unpacks into a staging folder, writes the marker last, and renames the folder to {@code dataset}. */
    private void install(Path zip, String zipSha256, Path dataset) throws IOException {
        // not Files.createTempDirectory: its folder is private (rwx------), and the rename would keep that
        Path staging = Files.createDirectory(dataset.resolveSibling(STAGING_PREFIX + Long.toUnsignedString(new SecureRandom().nextLong(), 36)));
        downloader.progress().note("Unpacking " + zip.getFileName() + " (" + ProgressText.size(Files.size(zip)) + ") into " + dataset + "…");
        try {
            Map<String, Object> marker = new LinkedHashMap<>();
            marker.put("source", source.toString());
            marker.put("sha256", zipSha256);
            marker.putAll(unpack(zip, staging));
            marker.put("completedAt", Instant.now().toString());
            AtomicFiles.write(staging.resolve(MARKER), Json.pretty(marker));
            Files.move(staging, dataset, StandardCopyOption.ATOMIC_MOVE);
        } catch (ArchiveRejectedException e) {
            Files.deleteIfExists(zip); // the file itself is bad: fetch it afresh next time
            throw new ArchiveRejectedException("Caltech-101 archive from " + source + " rejected and deleted: " + e.getMessage(), e);
        } finally {
            deleteTree(staging); // nothing left after the rename
        }
    }

    /** Streams the inner archives out of the zip into {@code staging}; returns what was unpacked. */
    private Map<String, Object> unpack(Path zipFile, Path staging) throws IOException {
        SafeExtractor extractor = new SafeExtractor(limits);
        try (ZipFile zip = SafeExtractor.openZip(zipFile)) {
            ZipArchiveEntry categories = innerArchive(zip, CATEGORIES + ".tar.gz");
            if (categories == null) {
                throw new ArchiveRejectedException("the zip holds no " + FOLDER + "/" + CATEGORIES + ".tar.gz");
            }
            try (InputStream in = zip.getInputStream(categories)) {
                extractor.extractTarGz(in, staging);
            }
            ZipArchiveEntry annotations = innerArchive(zip, "Annotations.tar");
            if (annotations != null) {
                try (InputStream in = zip.getInputStream(annotations)) {
                    extractor.extractTar(in, staging);
                }
            }
        }
        long classes = countClassFolders(staging.resolve(CATEGORIES));
        if (classes == 0) {
            throw new ArchiveRejectedException(CATEGORIES + ".tar.gz holds no " + CATEGORIES + "/<class>/ folders with images");
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("classFolders", classes);
        counts.put("entries", extractor.entriesUnpacked());
        counts.put("bytes", extractor.bytesWritten());
        return counts;
    }

    /** The entry {@code caltech-101/<name>}, or {@code <name>} at the top for a repacked mirror. */
    private static ZipArchiveEntry innerArchive(ZipFile zip, String name) {
        ZipArchiveEntry entry = zip.getEntry(FOLDER + "/" + name);
        return entry != null ? entry : zip.getEntry(name);
    }

    private static long countClassFolders(Path categories) throws IOException {
        if (!Files.isDirectory(categories)) {
            return 0;
        }
        long classes = 0;
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(categories, Files::isDirectory)) {
            for (Path folder : folders) {
                try (Stream<Path> files = Files.list(folder)) {
                    if (files.anyMatch(Files::isRegularFile)) {
                        classes++;
                    }
                }
            }
        }
        return classes;
    }

    /** Staging folders of runs that were killed; safe to remove because we hold the lock. */
    private static void deleteStaleStaging(Path dataDir) throws IOException {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(dataDir, STAGING_PREFIX + "*")) {
            for (Path folder : stale) {
                deleteTree(folder);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}

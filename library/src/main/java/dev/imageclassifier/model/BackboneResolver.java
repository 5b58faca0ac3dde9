package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.DownloadException;
import dev.imageclassifier.ProgressListener;
import dev.imageclassifier.fetch.DownloadOptions;
import dev.imageclassifier.fetch.DownloadedFile;
import dev.imageclassifier.fetch.Downloader;
import dev.imageclassifier.io.CacheDirectory;
import dev.imageclassifier.io.Sha256;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns {@code --backbone NAME|FILE|URL} into a local ONNX file and its SHA-256.
 * <ul>
 *   <li>an existing file is used where it is;</li>
 *   <li>an {@code http(s)://} URL is downloaded once into the cache
 *       ({@code <cache>/backbones/url-<hash of the URL>-<file name>}) and must pass {@link BackboneCheck};</li>
 *   <li>a name from the {@link BackboneRegistry} is downloaded once into {@code <cache>/backbones/<file name>}
 *       and verified by its pinned SHA-256, or by {@link BackboneCheck} where none is pinned.</li>
 * </ul>
 * A file only enters the cache after it passed verification, so a cached file is used without network
 * access (a pinned one is re-hashed; a damaged one is fetched again). In offline mode nothing is
 * downloaded and a missing file is an error that says what to do.
 */
public final class BackboneResolver {

    private final BackboneRegistry registry;
    private final CacheDirectory cache;
    private final Downloader downloader;
    private final boolean offline;

    public BackboneResolver(BackboneRegistry registry, CacheDirectory cache, Downloader downloader, boolean offline) {
        this.registry = registry;
        this.cache = cache;
        this.downloader = downloader;
        this.offline = offline;
    }

    /**
     * The standard registry and download options, with the cache at {@code cacheDir} (null: from the
     * environment, see {@link CacheDirectory#resolve}).
     */
    public static BackboneResolver standard(Path cacheDir, boolean offline, ProgressListener progress) {
        return new BackboneResolver(BackboneRegistry.standard(), CacheDirectory.resolve(cacheDir),
                new Downloader(DownloadOptions.defaults().withProgress(progress)), offline);
    }

    /**
     * @throws IllegalArgumentException when {@code spec} is neither a file, a URL nor a known name
     * @throws FileNotFoundException    when {@code spec} looks like a file path that does not exist
     * @throws DownloadException        when a download fails or is rejected, or is needed in offline mode
     */
    public ResolvedBackbone resolve(String spec) throws IOException {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no backbone given: name one of " + registry.names() + ", an .onnx file or an http(s) URL");
        }
        String text = spec.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return fromUrl(URI.create(text));
        }
        Optional<Path> file = asPath(text);
        if (file.isPresent() && Files.isRegularFile(file.get())) {
            Path path = file.get().toAbsolutePath().normalize();
            String sha = Sha256.of(path);
            return new ResolvedBackbone(nameOf(sha, path.getFileName().toString()), path, sha, path.toString());
        }
        Optional<BackboneRegistry.Entry> entry = registry.find(text);
        if (entry.isPresent()) {
            return fromRegistry(entry.get());
        }
        if (lower.endsWith(".onnx") || text.contains("/") || text.contains(File.separator)) {
            throw new FileNotFoundException("backbone file " + file.map(p -> p.toAbsolutePath().toString()).orElse(text) + " does not exist");
        }
        throw new IllegalArgumentException("unknown backbone '" + text + "': not an existing file, not an http(s) URL, and not one of "
                + String.join(", ", registry.names()));
    }

    private ResolvedBackbone fromRegistry(BackboneRegistry.Entry entry) throws IOException {
        Path cached = cache.backbones().resolve(entry.fileName());
        if (Files.isRegularFile(cached)) {
            String sha256 = Sha256.of(cached);
            if (entry.sha256() == null || entry.sha256().equalsIgnoreCase(sha256)) {
                return new ResolvedBackbone(entry.name(), cached, sha256, entry.url().toString());
            }
            if (offline) {
                throw new DownloadException("the cached backbone " + cached + " has SHA-256 " + sha256 + ", but '" + entry.name()
                        + "' is " + entry.sha256() + "; delete the file and run once with network access");
            }
            Files.delete(cached); // damaged or replaced: fetch it again
        }
        if (offline) {
            throw missingOffline("backbone '" + entry.name() + "'", cached, entry.url());
        }
        Downloader.FileCheck check = entry.sha256() != null ? file -> { } : usableBackbone(entry.name(), entry.featureDim());
        DownloadedFile downloaded = downloader.download(entry.url(), cached, entry.sha256(), check);
        return new ResolvedBackbone(entry.name(), downloaded.path(), downloaded.sha256(), entry.url().toString());
    }

    private ResolvedBackbone fromUrl(URI url) throws IOException {
        String fileName = url.getPath() == null ? "" : url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
        fileName = fileName.replaceAll("[^A-Za-z0-9._-]", "_");
        if (fileName.isEmpty() || fileName.startsWith(".")) {
            fileName = "backbone.onnx";
        }
        // the URL's hash keeps two URLs that end in the same file name apart
        Path cached = cache.backbones().resolve("url-" + Sha256.of(url.toString()).substring(0, 16) + "-" + fileName);
        if (Files.isRegularFile(cached)) {
            String sha256 = Sha256.of(cached);
            return new ResolvedBackbone(nameOf(sha256, fileName), cached, sha256, url.toString());
        }
        if (offline) {
            throw missingOffline("backbone " + url, cached, url);
        }
        DownloadedFile downloaded = downloader.download(url, cached, null, usableBackbone(stem(fileName), 0));
        return new ResolvedBackbone(nameOf(downloaded.sha256(), fileName), downloaded.path(), downloaded.sha256(), url.toString());
    }

    /** A copy of a registered backbone keeps the registry's name, whatever the file or URL calls it. */
    private String nameOf(String sha256, String fileName) {
        return registry.findBySha256(sha256).map(BackboneRegistry.Entry::name).orElse(stem(fileName));
    }

    private static Downloader.FileCheck usableBackbone(String name, int featureDim) {
        return file -> {
            try {
                BackboneCheck.verify(file, name, featureDim);
            } catch (InvalidModelException e) {
                throw new IOException("not a usable ONNX backbone: " + e.getMessage(), e);
            }
        };
    }

    private static DownloadException missingOffline(String what, Path cached, URI url) {
        return new DownloadException(what + " is not in the cache at " + cached + ", and offline it cannot be downloaded (from "
                + url + ")", url, 0, true, null);
    }

    private static Optional<Path> asPath(String text) {
        try {
            return Optional.of(Path.of(text));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static String stem(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(".onnx") ? fileName.substring(0, fileName.length() - 5) : fileName;
    }
}

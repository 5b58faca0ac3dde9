package dev.imageclassifier.model;

import ai.onnxruntime.OrtEnvironment;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.CacheDirectory;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Keeps ONNX Runtime's native libraries in the cache folder. Left alone, ONNX Runtime copies its 22 MB
 * of shared libraries out of the jar into a fresh temporary folder at every start (≈ 0.2 s of every
 * {@code predict} or {@code serve} start-up, and impossible where /tmp is mounted noexec); copied once
 * into {@code <cache>/native/<platform>-<checksum>/} and named by ONNX Runtime's own
 * {@value #PROPERTY} property, they load in place.
 */
public final class OnnxRuntimeLibraries {

    /** ONNX Runtime's property naming the folder it loads its native libraries from. */
    public static final String PROPERTY = "onnxruntime.native.path";

    private static final String RESOURCES = "ai/onnxruntime/native/";

    /** How long an empty ONNX Runtime temporary folder must be untouched before it counts as a killed run's. */
    private static final Duration STALE_TEMP_FOLDER_AGE = Duration.ofMinutes(10);

    private static boolean placed;

    private OnnxRuntimeLibraries() {
    }

    /**
     * Places the libraries in the cache folder ({@code IMAGE_CLASSIFIER_CACHE}) and loads them once, e.g. while a
     * container image is built, so that no start of the image copies them again.
     */
    public static void main(String[] args) {
        String version = environment().getVersion();
        System.out.println("ONNX Runtime " + version + ": native libraries in "
                + System.getProperty(PROPERTY, "a temporary folder (the cache folder could not be written)"));
    }

    /**
     * ONNX Runtime's environment, its native libraries loaded from the cache folder ({@link
     * CacheDirectory#resolve}) when they can be. Every use of ONNX Runtime in the project starts here, so
     * commands that never run a model (prepare, --help) never touch the libraries.
     */
    public static synchronized OrtEnvironment environment() {
        if (!placed) {
            placed = true;
            removeStaleTempFolders(Path.of(System.getProperty("java.io.tmpdir")), STALE_TEMP_FOLDER_AGE);
            useCacheIn(CacheDirectory.resolve(null).root());
        }
        return OrtEnvironment.getEnvironment();
    }

    /**
     * Deletes the empty {@code onnxruntime-java*} folders that ONNX Runtime's start-up makes in the temporary
     * folder and only deletes when the JVM exits normally: every killed run leaves one behind. A folder is
     * taken as stale when it is empty and untouched for {@code minAge} (a live process of another program
     * might still extract a provider library into its own; this project's never do, they load from the cache).
     *
     * @return how many were deleted
     */
    static int removeStaleTempFolders(Path tmp, Duration minAge) {
        int removed = 0;
        Instant before = Instant.now().minus(minAge);
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(tmp, "onnxruntime-java*")) {
            for (Path folder : folders) {
                try {
                    if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(folder).toInstant().isBefore(before) && Files.deleteIfExists(folder)) {
                        removed++; // deleteIfExists refuses a folder that is not empty
                    }
                } catch (IOException e) {
                    // not empty, not ours to delete, or gone already
                }
            }
        } catch (IOException | RuntimeException e) {
            // no temporary folder to tidy: nothing to do
        }
        return removed;
    }

    /**
     * Points ONNX Runtime at the cached copy of its libraries, copying them there first if needed. Does
     * nothing when the property is already set (the user's choice) or when the libraries are not inside a
     * jar; any failure leaves ONNX Runtime to its own extraction, so this can only make start-up faster.
     *
     * @return the folder ONNX Runtime will load from, if this set it
     */
    public static Optional<Path> useCacheIn(Path cacheRoot) {
        if (System.getProperty(PROPERTY) != null) {
            return Optional.empty();
        }
        try {
            Optional<Path> folder = extract(cacheRoot.resolve("native"));
            folder.ifPresent(path -> System.setProperty(PROPERTY, path.toString()));
            return folder;
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Copies this platform's ONNX Runtime libraries from the jar into a folder under {@code nativeRoot}
     * named by their checksums, unless a complete copy is there already.
     */
    static Optional<Path> extract(Path nativeRoot) throws IOException {
        Optional<String> platform = platform();
        if (platform.isEmpty()) {
            return Optional.empty();
        }
        String prefix = RESOURCES + platform.get() + "/";
        URL library = OnnxRuntimeLibraries.class.getClassLoader().getResource(prefix + System.mapLibraryName("onnxruntime"));
        if (library == null) {
            return Optional.empty();
        }
        URLConnection connection = library.openConnection();
        if (!(connection instanceof JarURLConnection jarConnection)) {
            return Optional.empty(); // exploded classes (an IDE): ONNX Runtime's own loading is fine there
        }
        jarConnection.setUseCaches(false);
        try (JarFile jar = jarConnection.getJarFile()) {
            List<JarEntry> files = new ArrayList<>();
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (name.startsWith(prefix) && !entry.isDirectory() && name.indexOf('/', prefix.length()) < 0) {
                    files.add(entry);
                }
            }
            long checksum = 17;
            for (JarEntry entry : files) {
                checksum = checksum * 31 + entry.getCrc() * 7 + entry.getSize();
            }
            Path folder = nativeRoot.resolve(platform.get() + "-" + Long.toHexString(checksum));
            for (JarEntry entry : files) {
                Path target = folder.resolve(entry.getName().substring(prefix.length()));
                if (Files.isRegularFile(target) && Files.size(target) == entry.getSize()) {
                    continue; // copied by an earlier start (files appear whole: they are renamed into place)
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    AtomicFiles.write(target, in::transferTo);
                }
            }
            return Optional.of(folder);
        }
    }

    /** ONNX Runtime's name for this platform's folder in its jar, e.g. {@code linux-x64}. */
    static Optional<String> platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "osx" : os.startsWith("windows") ? "win" : null;
        String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch.equals("aarch64") ? "aarch64" : null;
        return osName == null || archName == null ? Optional.empty() : Optional.of(osName + "-" + archName);
    }
}

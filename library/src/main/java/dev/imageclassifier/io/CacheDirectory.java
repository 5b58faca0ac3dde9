package dev.imageclassifier.io;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where files that outlive one run are kept: downloaded backbones and cached features. The first of these wins:
 * an explicit folder ({@code --cache-dir}), {@value #ENV}, {@code $XDG_CACHE_HOME/image-classifier},
 * {@code ~/.cache/image-classifier}.
 */
public record CacheDirectory(Path root) {

    /** Environment variable naming the cache folder. */
    public static final String ENV = "IMAGE_CLASSIFIER_CACHE";

    public CacheDirectory {
        root = root.toAbsolutePath().normalize();
    }

    /** The cache folder for this process; {@code explicit} (may be null) wins over the environment. */
    public static CacheDirectory resolve(Path explicit) {
        return resolve(explicit, System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static CacheDirectory resolve(Path explicit, Map<String, String> env, Path home) {
        if (explicit != null) {
            return new CacheDirectory(explicit);
        }
        String configured = env.get(ENV);
        if (configured != null && !configured.isBlank()) {
            return new CacheDirectory(Path.of(configured));
        }
        // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return new CacheDirectory(Path.of(xdg, "image-classifier"));
        }
        return new CacheDirectory(home.resolve(".cache").resolve("image-classifier"));
    }

    /** The folder holding cached backbone features ({@code train}). */
    public Path features() {
        return root.resolve("features");
    }

    /** The folder holding downloaded backbone ONNX files. */
    public Path backbones() {
        return root.resolve("backbones");
    }
}

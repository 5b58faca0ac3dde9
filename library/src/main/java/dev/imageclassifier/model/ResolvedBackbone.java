package dev.imageclassifier.model;

import java.nio.file.Path;

/**
 * A backbone ONNX file ready to load.
 *
 * @param name   the registry name (also for a file or URL whose SHA-256 is a registered backbone's), else the
 *               file name without {@code .onnx}
 * @param path   the local file
 * @param sha256 the file's SHA-256, to record in the trained model's metadata
 * @param source the URL it was downloaded from, or the file's path (for logs and metadata)
 */
public record ResolvedBackbone(String name, Path path, String sha256, String source) {

    /** The http(s) URL the file was downloaded from, or null for a local file: recorded in the trained model. */
    public String url() {
        return source.regionMatches(true, 0, "http://", 0, 7) || source.regionMatches(true, 0, "https://", 0, 8) ? source : null;
    }
}

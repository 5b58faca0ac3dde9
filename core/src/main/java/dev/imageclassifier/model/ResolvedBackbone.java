package dev.imageclassifier.model;

import java.nio.file.Path;

/**
 * A backbone ONNX file ready to load.
 *
 * @param name   the registry name, or the file name without {@code .onnx} for a file or URL
 * @param path   the local file
 * @param sha256 the file's SHA-256, to record in the trained model's metadata
 * @param source the URL it was downloaded from, or the file's path (for logs and metadata)
 */
public record ResolvedBackbone(String name, Path path, String sha256, String source) {
}

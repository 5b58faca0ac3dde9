package dev.imageclassifier.fetch;

import java.nio.file.Path;

/** A completely downloaded and verified file in its final place. */
public record DownloadedFile(Path path, String sha256, long size) {
}

package dev.imageclassifier.train;

import java.nio.file.Path;

/** An image left out of a run because it could not be read or decoded, with the reason in words. */
public record SkippedImage(int index, Path path, String reason) {
}

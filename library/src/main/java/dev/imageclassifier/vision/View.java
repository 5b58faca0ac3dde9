package dev.imageclassifier.vision;

import dev.imageclassifier.io.Sha256;

/**
 * One way of looking at an image before the backbone sees it: the plain eval transform, its mirror
 * image, or the k-th seeded random augmentation. The key names the view in the feature cache.
 */
public record View(Kind kind, int index, long seed, Augmentation augmentation) implements java.io.Serializable {

    public enum Kind { CENTER, CENTER_FLIP, AUGMENTED }

    public static final View CENTER = new View(Kind.CENTER, 0, 0, null);
    public static final View CENTER_FLIP = new View(Kind.CENTER_FLIP, 0, 0, null);

    public static View augmented(int index, long seed, Augmentation augmentation) {
        return new View(Kind.AUGMENTED, index, seed, augmentation);
    }

    /** The content seed of an image for {@link Preprocessor#tensors}: the first 60 bits of its SHA-256 (hex). */
    public static long contentSeed(String imageSha256) {
        return Long.parseUnsignedLong(imageSha256.substring(0, 15), 16);
    }

    /** File-name-safe identifier, unique for everything that changes the pixels. */
    public String key() {
        return switch (kind) {
            case CENTER -> "center";
            case CENTER_FLIP -> "center-flip";
            case AUGMENTED -> "aug-" + Sha256.of(augmentation.describe()).substring(0, 8) + "-s" + seed + "-" + index;
        };
    }
}

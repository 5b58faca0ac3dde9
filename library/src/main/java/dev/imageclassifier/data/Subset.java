package dev.imageclassifier.data;

import java.util.Locale;

/** Which side of the split an image is on. */
public enum Subset {
    TRAIN, VAL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Subset parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "train" -> TRAIN;
            case "val", "validation" -> VAL;
            default -> throw new IllegalArgumentException("unknown subset '" + text + "' (expected train or val)");
        };
    }
}

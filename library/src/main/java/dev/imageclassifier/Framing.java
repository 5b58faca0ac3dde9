package dev.imageclassifier;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How an image is framed into the model's S×S input (S = the crop size). Which one is right depends on
 * the data: objects that fill the frame lose parts to a centre crop; busy backgrounds gain from it.
 */
public enum Framing {

    /** torchvision's evaluation transform: shorter side to S / 0.875, centre crop S (87.5 % of the shorter side). */
    CENTER_CROP("center-crop"),
    /** Shorter side to S, centre crop S: nothing cut along the shorter side. */
    SHORT_SIDE("short-side"),
    /** The whole image resized to S×S; the aspect ratio is not kept. */
    WHOLE("whole");

    private final String id;

    Framing(String id) {
        this.id = id;
    }

    /** @return the name in recipes, the command line and the model's metadata (and in JSON), e.g. {@code center-crop} */
    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
        return id;
    }

    /**
     * The framing named {@code text} (its {@link #id()}).
     *
     * @param text e.g. {@code whole}
     * @return the framing
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Framing parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.id.equals(wanted)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown framing '" + text + "' (expected one of "
                        + Arrays.stream(values()).map(Framing::id).collect(Collectors.joining(", ")) + ")"));
    }

    /** @return the {@link #id()} */
    @Override
    public String toString() {
        return id;
    }
}

package dev.imageclassifier;

/**
 * Bytes that cannot become an image tensor, with a message fit to show a user ({@link ImageTooLargeException} for size).
 * {@link #reason()} tells the kinds apart without reading the message.
 *
 * <pre>{@code
 * try {
 *     classifier.classify(bytes);
 * } catch (InvalidImageException e) {
 *     if (e.reason() == InvalidImageException.Reason.TOO_LARGE) { ... }
 * }
 * }</pre>
 */
public class InvalidImageException extends Exception {

    /** Why the image was refused. */
    public enum Reason {
        /** There are no bytes at all. */
        EMPTY,
        /** The bytes are not one of the supported formats (JPEG, PNG, GIF, BMP, WebP, TIFF), or no decoder for it is installed. */
        UNSUPPORTED_TYPE,
        /** The format is known but the image is damaged, truncated, or uses a feature the decoder does not support. */
        CORRUPT,
        /** Too many pixels, or more memory to decode than this process can give ({@link ImageTooLargeException}). */
        TOO_LARGE
    }

    /** Why the image was refused. */
    private final Reason reason;

    /**
     * @param reason  why the image was refused
     * @param message the fact in words, fit to show a user
     */
    public InvalidImageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /**
     * @param reason  why the image was refused
     * @param message the fact in words, fit to show a user
     * @param cause   the decoder's error underneath
     */
    public InvalidImageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** @return why the image was refused */
    public Reason reason() {
        return reason;
    }
}

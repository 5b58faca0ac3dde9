package dev.imageclassifier;

/** Bytes that cannot become an image tensor, with a message fit to show a user ({@link ImageTooLargeException} for size). */
public class InvalidImageException extends Exception {

    /** Why the image was refused; the server maps each reason to an HTTP status. */
    public enum Reason { EMPTY, UNSUPPORTED_TYPE, CORRUPT, TOO_LARGE }

    private final Reason reason;

    public InvalidImageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public InvalidImageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

package dev.imageclassifier;

/**
 * An image refused for its size: more pixels than the limit, or more memory to decode than this process
 * can give. Its {@link #reason()} is {@link InvalidImageException.Reason#TOO_LARGE}; the message says the
 * size and the limit.
 */
public final class ImageTooLargeException extends InvalidImageException {

    /** @param message the size and the limit in words, fit to show a user */
    public ImageTooLargeException(String message) {
        super(Reason.TOO_LARGE, message);
    }
}

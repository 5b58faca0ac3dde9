package dev.imageclassifier;

/**
 * An image refused for its size: more pixels than the limit, or more memory to decode than this process
 * can give. The server answers 413; the message says the size and the limit.
 */
public final class ImageTooLargeException extends InvalidImageException {

    public ImageTooLargeException(String message) {
        super(Reason.TOO_LARGE, message);
    }
}

package dev.imageclassifier.vision;

/** An image refused for its size (pixels from its header, or the memory decoding it would take): 413 on the server. */
public final class ImageTooLargeException extends InvalidImageException {

    public ImageTooLargeException(String message) {
        super(Reason.TOO_LARGE, message);
    }
}

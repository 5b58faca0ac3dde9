package dev.imageclassifier.vision;

/** An image refused for its size (pixels, or the memory its decoding needs): HTTP 413, not 400. */
public final class ImageTooLargeException extends InvalidImageException {

    public ImageTooLargeException(String message) {
        super(Reason.TOO_LARGE, message);
    }
}

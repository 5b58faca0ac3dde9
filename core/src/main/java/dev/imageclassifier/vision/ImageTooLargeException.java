package dev.imageclassifier.vision;

/** An image refused for its size (pixels or memory), before any pixel is decoded. */
public final class ImageTooLargeException extends InvalidImageException {

    public ImageTooLargeException(String message) {
        super(Reason.TOO_LARGE, message);
    }
}

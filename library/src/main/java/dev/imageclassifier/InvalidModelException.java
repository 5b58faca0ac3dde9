package dev.imageclassifier;

/** An ONNX file that cannot serve as a backbone or classifier, with a message fit to show a user. */
public final class InvalidModelException extends Exception {

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}

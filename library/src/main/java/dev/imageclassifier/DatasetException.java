package dev.imageclassifier;

/** A dataset folder or manifest that cannot be used, with a message that says what to fix. */
public final class DatasetException extends Exception {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.imageclassifier;

/**
 * An image refused at once because the classifier's queue is full (or the classifier is closing): the
 * caller should try again later or send less at once. Only the {@code trySubmit} calls, which a server
 * uses to shed load, throw it; {@link ImageClassifier#classify(byte[])} waits for a place instead.
 */
public final class OverloadedException extends Exception {

    /**
     * @param message what is full, e.g. how many images are queued
     */
    public OverloadedException(String message) {
        super(message);
    }
}

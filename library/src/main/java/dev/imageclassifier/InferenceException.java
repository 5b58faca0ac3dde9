package dev.imageclassifier;

/**
 * The model failed to run on a batch (an ONNX Runtime error, out of memory, a closed classifier): not the
 * image's fault. Bad images throw {@link dev.imageclassifier.InvalidImageException} instead.
 */
public final class InferenceException extends RuntimeException {

    /**
     * @param message what failed, in words
     * @param cause   the error underneath (ONNX Runtime's, an interruption, the refusal of a closed classifier)
     */
    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}

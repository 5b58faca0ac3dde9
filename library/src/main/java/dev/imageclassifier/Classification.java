package dev.imageclassifier;

import java.util.Objects;

/**
 * The outcome for one image of {@link ImageClassifier#classifyAll}: a prediction, or the reason there is
 * none (an {@link dev.imageclassifier.InvalidImageException} for bad bytes), so one bad image never
 * costs the others their answers. Exactly one of the two is set.
 *
 * <pre>{@code
 * Classification c = classifier.classifyAll(List.of(bytes)).get(0);
 * if (c.isSuccess()) {
 *     System.out.println(c.prediction().label());
 * } else {
 *     System.out.println("refused: " + c.error().getMessage());
 * }
 * }</pre>
 *
 * @param prediction the answer, or null when the image failed
 * @param error      why there is no answer ({@link InvalidImageException}, {@link InferenceException}),
 *                   or null when there is one
 */
public record Classification(Prediction prediction, Exception error) {

    /**
     * Checks that exactly one of the two is set.
     *
     * @param prediction the answer, or null when the image failed
     * @param error      why there is no answer, or null when there is one
     * @throws IllegalArgumentException when both or neither are set
     */
    public Classification {
        if ((prediction == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of prediction and error");
        }
    }

    /**
     * A successful outcome.
     *
     * @param prediction the answer
     * @return the outcome holding {@code prediction}
     * @throws NullPointerException when {@code prediction} is null
     */
    public static Classification of(Prediction prediction) {
        return new Classification(Objects.requireNonNull(prediction), null);
    }

    /**
     * A failed outcome.
     *
     * @param error why there is no answer
     * @return the outcome holding {@code error}
     * @throws NullPointerException when {@code error} is null
     */
    public static Classification failed(Exception error) {
        return new Classification(null, Objects.requireNonNull(error));
    }

    /** @return true when there is a {@link #prediction()}, false when there is an {@link #error()} */
    public boolean isSuccess() {
        return prediction != null;
    }
}

package dev.imageclassifier;

import java.util.Objects;

/**
 * The outcome for one image of {@link ImageClassifier#classifyAll}: a prediction, or the reason there is
 * none (an {@link dev.imageclassifier.InvalidImageException} for bad bytes), so one bad image never
 * costs the others their answers.
 */
public record Classification(Prediction prediction, Exception error) {

    public Classification {
        if ((prediction == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of prediction and error");
        }
    }

    public static Classification of(Prediction prediction) {
        return new Classification(Objects.requireNonNull(prediction), null);
    }

    public static Classification failed(Exception error) {
        return new Classification(null, Objects.requireNonNull(error));
    }

    public boolean isSuccess() {
        return prediction != null;
    }
}

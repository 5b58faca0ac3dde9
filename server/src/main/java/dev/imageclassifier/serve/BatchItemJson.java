package dev.imageclassifier.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * One file's outcome in a {@code /predict/batch} answer: its own status, then either the prediction
 * fields of {@code /predict} or the {@code detail} of its error, so one bad file spoils nothing else.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchItemJson(String filename, int status, @JsonUnwrapped PredictionJson prediction, String detail) {

    static BatchItemJson success(String filename, PredictionJson prediction) {
        return new BatchItemJson(filename, 200, prediction, null);
    }

    static BatchItemJson failure(String filename, Problem problem) {
        return new BatchItemJson(filename, problem.status(), null, problem.detail());
    }
}

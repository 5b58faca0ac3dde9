package dev.imageclassifier.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** {@code metrics.json} as {@code evaluate} writes it: the classifier file's metrics, then what was evaluated how. */
public record EvaluationReport(@JsonUnwrapped Metrics.Report metrics, String source, String model, Backbone backbone,
                               Split split, Timings timings) {

    /** The backbone named in the model's metadata. */
    public record Backbone(String name, String sha256) {
    }

    /** The split manifest and its images. */
    public record Split(String manifest, String fingerprint, @JsonProperty("val_images") int valImages,
                        @JsonProperty("skipped_images") int skippedImages) {
    }

    /** Speed of the whole evaluation, decoding included. */
    public record Timings(@JsonProperty("images_per_second") double imagesPerSecond,
                          @JsonProperty("total_seconds") double totalSeconds) {
    }
}

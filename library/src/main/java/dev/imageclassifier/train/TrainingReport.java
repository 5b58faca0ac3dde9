package dev.imageclassifier.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.List;

/**
 * {@code metrics.json} as {@code train} writes it: every validation metric (the reference service's keys
 * first), then how the model was made. {@link #runId()} is also in the model's metadata, so a model and
 * its metrics can be matched.
 */
public record TrainingReport(@JsonUnwrapped Metrics.Report metrics, Backbone backbone, Recipe recipe, Framing framing,
                             Regularization regularization, long seed, Split split,
                             Timings timings, List<Epoch> history, @JsonProperty("best_epoch") int bestEpoch, String model,
                             @JsonProperty("run_id") String runId, @JsonProperty("created_at") String createdAt,
                             @JsonProperty("project_version") String projectVersion) {

    /** The frozen backbone the features came from. */
    public record Backbone(String name, String sha256, @JsonProperty("feature_dim") int featureDim,
                           @JsonProperty("feature_source") String featureSource) {
    }

    /**
     * How images were framed and, when the recipe gave a choice, how each framing did on the hold-out part of
     * a sample of the training images (the lowest hold-out loss wins).
     */
    public record Framing(dev.imageclassifier.Framing chosen, @JsonProperty("chosen_on") String chosenOn,
                          List<FramingCandidate> candidates) {

        /** A framing the recipe fixes (or a caller chose). */
        public static Framing fixed(dev.imageclassifier.Framing framing) {
            return new Framing(framing, "fixed by the recipe", List.of());
        }

        public static Framing of(FramingChoice.Result choice) {
            if (choice.candidates().isEmpty()) {
                return fixed(choice.chosen());
            }
            return new Framing(choice.chosen(), String.format(java.util.Locale.ROOT,
                    "hold-out loss of a quick head (30 %% of a %d-image sample of the training images, %.1f s)",
                    choice.images(), choice.seconds()),
                    choice.candidates().stream().map(c -> new FramingCandidate(c.framing(), c.holdoutLoss(), c.holdoutAccuracy()))
                            .toList());
        }
    }

    /** One framing tried on the hold-out. */
    public record FramingCandidate(dev.imageclassifier.Framing framing, @JsonProperty("holdout_loss") double holdoutLoss,
                                   @JsonProperty("holdout_accuracy") double holdoutAccuracy) {
    }

    /**
     * The weight decay the head was trained with and, when the recipe gave a choice, how each candidate did
     * on the hold-out part of the training images (the lowest hold-out loss wins).
     */
    public record Regularization(@JsonProperty("weight_decay") double weightDecay,
                                 @JsonProperty("chosen_on") String chosenOn, List<Candidate> candidates) {

        static Regularization of(HeadTrainer.Result head) {
            return new Regularization(head.weightDecay(), head.candidates().isEmpty() ? "fixed by the recipe"
                    : "hold-out loss (" + head.holdoutImages() + " training images)",
                    head.candidates().stream().map(Candidate::of).toList());
        }
    }

    /** One weight decay tried on the hold-out. */
    public record Candidate(@JsonProperty("weight_decay") double weightDecay, @JsonProperty("holdout_loss") double holdoutLoss,
                            @JsonProperty("holdout_accuracy") double holdoutAccuracy, @JsonProperty("best_epoch") int bestEpoch) {

        static Candidate of(HeadTrainer.Candidate candidate) {
            return new Candidate(candidate.weightDecay(), candidate.holdoutLoss(), candidate.holdoutAccuracy(), candidate.bestEpoch());
        }
    }

    /** The split manifest and how many of its images were used. */
    public record Split(String manifest, String fingerprint, @JsonProperty("train_images") int trainImages,
                        @JsonProperty("val_images") int valImages, @JsonProperty("skipped_images") int skippedImages) {
    }

    /** Where the time went. */
    public record Timings(@JsonProperty("feature_extraction_seconds") double featureSeconds,
                          @JsonProperty("feature_extraction_images_per_second") double featureImagesPerSecond,
                          @JsonProperty("features_computed") int featuresComputed,
                          @JsonProperty("features_from_cache") int featuresFromCache,
                          @JsonProperty("head_training_seconds") double headSeconds,
                          @JsonProperty("total_seconds") double totalSeconds) {
    }

    /** One epoch of the (early-stopping) run; the hold-out numbers are absent without a hold-out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Epoch(int epoch, @JsonProperty("learning_rate") double learningRate,
                        @JsonProperty("train_loss") double trainLoss,
                        @JsonProperty("holdout_accuracy") Double holdoutAccuracy,
                        @JsonProperty("holdout_loss") Double holdoutLoss) {

        static Epoch of(HeadTrainer.Epoch epoch) {
            boolean held = !Double.isNaN(epoch.holdoutAccuracy());
            return new Epoch(epoch.epoch(), epoch.learningRate(), epoch.trainLoss(), held ? epoch.holdoutAccuracy() : null,
                    held ? epoch.holdoutLoss() : null);
        }
    }

    /** What the model's metadata says about its training (the {@code training} key). */
    public record Facts(Recipe recipe, @JsonProperty("weight_decay") double weightDecay, long seed,
                        @JsonProperty("split_fingerprint") String splitFingerprint,
                        @JsonProperty("files_fingerprint") String filesFingerprint,
                        @JsonProperty("train_images") int trainImages, @JsonProperty("val_images") int valImages,
                        @JsonProperty("best_epoch") int bestEpoch, @JsonProperty("run_id") String runId) {
    }
}

package dev.imageclassifier.train;

import dev.imageclassifier.model.RuntimeOptions;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a training run records and where it writes: the settings the front door ({@code Trainer}) was given.
 *
 * @param splitSource    where the split came from (a manifest file or a folder), recorded in metrics.json
 * @param backbone       the backbone ONNX file
 * @param backboneName   its name in the model's metadata
 * @param backboneUrl    the http(s) URL it was downloaded from, recorded in the model's metadata; null for a local file
 * @param model          where the classifier goes
 * @param results        where {@code metrics.json} goes
 * @param cacheDir       the feature cache's root; null disables the cache
 * @param recipe         how the head is trained
 * @param seed           seed of augmentation and head training; null = the split's seed
 * @param runtime        ONNX Runtime threads and device
 * @param decodeThreads  threads decoding images beside inference
 * @param batchSize      images per backbone call
 * @param projectVersion recorded in the outputs
 */
public record TrainingOptions(String splitSource, Path backbone, String backboneName, String backboneUrl, Path model, Path results,
                              Path cacheDir, Recipe recipe, Long seed, RuntimeOptions runtime, int decodeThreads, int batchSize,
                              String projectVersion) {

    public TrainingOptions {
        Objects.requireNonNull(splitSource, "splitSource");
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(runtime, "runtime");
        if (decodeThreads < 1 || batchSize < 1) {
            throw new IllegalArgumentException("decode threads and batch size must be positive");
        }
    }

    /** {@code <results>/metrics.json}. */
    public Path metricsFile() {
        return results.resolve("metrics.json");
    }

    /** The same options with another recipe (how a head fitted elsewhere is recorded). */
    public TrainingOptions withRecipe(Recipe value) {
        return new TrainingOptions(splitSource, backbone, backboneName, backboneUrl, model, results, cacheDir, value, seed, runtime,
                decodeThreads, batchSize, projectVersion);
    }
}

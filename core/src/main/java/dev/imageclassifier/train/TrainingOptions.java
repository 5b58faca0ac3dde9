package dev.imageclassifier.train;

import dev.imageclassifier.model.RuntimeOptions;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a {@link TrainingRun} needs. Build it with {@link #builder(Path, Path)}: the split and the
 * backbone are required, the rest have the CLI's defaults.
 *
 * @param split          the split manifest written by {@code prepare}
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
 * @param progress       progress bars on stderr
 * @param projectVersion recorded in the outputs
 */
public record TrainingOptions(Path split, Path backbone, String backboneName, String backboneUrl, Path model, Path results, Path cacheDir,
                              Recipe recipe, Long seed, RuntimeOptions runtime, int decodeThreads, int batchSize,
                              boolean progress, String projectVersion) {

    public TrainingOptions {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(backbone, "backbone");
        if (decodeThreads < 1 || batchSize < 1) {
            throw new IllegalArgumentException("decode threads and batch size must be positive");
        }
    }

    public static Builder builder(Path split, Path backbone) {
        return new Builder(split, backbone);
    }

    /** Builds {@link TrainingOptions}. */
    public static final class Builder {
        private final Path split;
        private final Path backbone;
        private String backboneName;
        private String backboneUrl;
        private Path model = Path.of("model", "classifier.onnx");
        private Path results = Path.of("results");
        private Path cacheDir;
        private Recipe recipe = Recipe.DEFAULT;
        private Long seed;
        private RuntimeOptions runtime = RuntimeOptions.defaults();
        private int decodeThreads = Runtime.getRuntime().availableProcessors();
        private int batchSize = 32;
        private boolean progress;
        private String projectVersion = "";

        private Builder(Path split, Path backbone) {
            this.split = split;
            this.backbone = backbone;
            this.backboneName = backbone.getFileName().toString().replaceFirst("\\.onnx$", "");
        }

        public Builder backboneName(String value) {
            backboneName = value;
            return this;
        }

        public Builder backboneUrl(String value) {
            backboneUrl = value;
            return this;
        }

        public Builder model(Path value) {
            model = value;
            return this;
        }

        public Builder results(Path value) {
            results = value;
            return this;
        }

        public Builder cacheDir(Path value) {
            cacheDir = value;
            return this;
        }

        public Builder recipe(Recipe value) {
            recipe = value;
            return this;
        }

        public Builder seed(Long value) {
            seed = value;
            return this;
        }

        public Builder runtime(RuntimeOptions value) {
            runtime = value;
            return this;
        }

        /** 0 = one per core. */
        public Builder decodeThreads(int value) {
            decodeThreads = value > 0 ? value : Runtime.getRuntime().availableProcessors();
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder progress(boolean value) {
            progress = value;
            return this;
        }

        public Builder projectVersion(String value) {
            projectVersion = value;
            return this;
        }

        public TrainingOptions build() {
            return new TrainingOptions(split, backbone, backboneName, backboneUrl, model, results, cacheDir, recipe, seed, runtime,
                    decodeThreads, batchSize, progress, projectVersion);
        }
    }
}

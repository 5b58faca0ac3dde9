package dev.imageclassifier;

import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.train.TrainingOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Trains a classifier: the front door for training, as {@link ImageClassifier} is for classifying. The
 * backbone stays frozen; its features are computed once per image (and cached), a softmax head is trained on
 * them, and the result is one self-describing ONNX file — backbone, head and softmax, labels and
 * preprocessing in its metadata — written with {@code metrics.json}; both record the same run id.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder()
 *         .backbone(BackboneFile.of(Path.of("mobilenetv2-12-int8.onnx")))
 *         .cacheDirectory(Path.of("cache/features"))
 *         .progress(ProgressListener.lines(System.err))
 *         .build();
 * TrainingResult result = trainer.train(DatasetSplit.read(Path.of("data/split.csv")),
 *         Path.of("model/classifier.onnx"), Path.of("results"));
 * System.out.printf("validation accuracy %.2f%%%n", 100 * result.accuracy());
 * }</pre>
 *
 * <p>With the {@link TrainingRecipe#DEFAULT default recipe} the framing of the images and the weight
 * decay are chosen on a hold-out of the training images. Where the features are computed is a
 * {@link FeatureSource}: this process by default; the Spark module plugs in its executors, and the rest
 * of the run is the same.
 */
public final class Trainer {

    private final Builder settings;

    private Trainer(Builder settings) {
        this.settings = settings;
    }

    /** @return a builder; the backbone is required, the rest have defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains on a split and writes the classifier and {@code metrics.json}. Both are checked writable before
     * the long work and written completely before either is replaced, the model first: a failed run leaves the
     * previous pair in place, and a run killed between the two renames leaves the new model beside a
     * {@code metrics.json} whose run id is not the model's (the evaluation report says so).
     *
     * @param split   the labelled images, split into training and validation images
     * @param model   where the classifier file goes, e.g. {@code model/classifier.onnx}
     * @param results the folder {@code metrics.json} goes into
     * @return what was written and how well it does
     * @throws DatasetException      when the split has no usable training or validation images
     * @throws InvalidModelException when the backbone cannot be used
     * @throws IOException           when images cannot be read or the outputs cannot be written
     * @throws InterruptedException  when interrupted
     */
    public TrainingResult train(DatasetSplit split, Path model, Path results)
            throws DatasetException, InvalidModelException, IOException, InterruptedException {
        AtomicFiles.removeStaleTemporaries(model); // what killed runs left half-written
        AtomicFiles.removeStaleTemporaries(results.resolve("metrics.json"));
        BackboneFile backbone = settings.backbone;
        TrainingOptions options = new TrainingOptions(split.source(), backbone.file(), backbone.name(), backbone.url(), model, results,
                settings.cacheDirectory, settings.recipe.recipe(), settings.seed, new RuntimeOptions(settings.threads, settings.device),
                settings.decodeThreads > 0 ? settings.decodeThreads : Runtime.getRuntime().availableProcessors(), settings.batchSize,
                Version.library());
        BackboneGraph graph = BackboneGraph.load(backbone.file(), backbone.name());
        FeatureSource source = settings.featureSource != null ? settings.featureSource
                : new LocalFeatures(graph, settings.cacheDirectory, options.runtime(), options.decodeThreads());
        return new TrainingRun(options, graph, source, settings.progress).run(split);
    }

    /** How to train; {@link #backbone} is required. */
    public static final class Builder {
        private BackboneFile backbone;
        private TrainingRecipe recipe = TrainingRecipe.DEFAULT;
        private Long seed;
        private Path cacheDirectory;
        private int threads;
        private Device device = Device.CPU;
        private int decodeThreads;
        private int batchSize = 32;
        private ProgressListener progress = ProgressListener.NONE;
        private FeatureSource featureSource;

        private Builder() {
        }

        /** A trainer keeps its own copy: changing the builder afterwards does not change it. */
        private Builder copy() {
            Builder copy = new Builder();
            copy.backbone = backbone;
            copy.recipe = recipe;
            copy.seed = seed;
            copy.cacheDirectory = cacheDirectory;
            copy.threads = threads;
            copy.device = device;
            copy.decodeThreads = decodeThreads;
            copy.batchSize = batchSize;
            copy.progress = progress;
            copy.featureSource = featureSource;
            return copy;
        }

        /**
         * @param value the frozen network to train on
         * @return this builder
         */
        public Builder backbone(BackboneFile value) {
            backbone = value;
            return this;
        }

        /**
         * @param value how the head is trained (default {@link TrainingRecipe#DEFAULT})
         * @return this builder
         */
        public Builder recipe(TrainingRecipe value) {
            recipe = value;
            return this;
        }

        /**
         * @param value seed of augmentation and head training (default: the split's seed)
         * @return this builder
         */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * @param value folder of cached features, reused by later runs on the same images; null (the default) for none
         * @return this builder
         */
        public Builder cacheDirectory(Path value) {
            cacheDirectory = value;
            return this;
        }

        /**
         * @param value ONNX Runtime threads; 0 (the default) = one per core
         * @return this builder
         */
        public Builder threads(int value) {
            threads = value;
            return this;
        }

        /**
         * @param value where the backbone runs (default {@link Device#CPU})
         * @return this builder
         */
        public Builder device(Device value) {
            device = value;
            return this;
        }

        /**
         * @param value threads decoding images beside inference; 0 (the default) = one per core
         * @return this builder
         */
        public Builder decodeThreads(int value) {
            decodeThreads = value;
            return this;
        }

        /**
         * @param value images per backbone call (default 32)
         * @return this builder
         */
        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        /**
         * @param value hears about each step (default: nothing is shown)
         * @return this builder
         */
        public Builder progress(ProgressListener value) {
            progress = value;
            return this;
        }

        /**
         * @param value where features are computed (default: in this process, through the feature cache)
         * @return this builder
         */
        public Builder featureSource(FeatureSource value) {
            featureSource = value;
            return this;
        }

        /**
         * @return the trainer
         * @throws IllegalArgumentException when no backbone is set or a setting makes no sense
         */
        public Trainer build() {
            if (backbone == null) {
                throw new IllegalArgumentException("a backbone is required");
            }
            if (threads < 0 || decodeThreads < 0 || batchSize < 1) {
                throw new IllegalArgumentException("threads and decode threads must be >= 0, batch size >= 1");
            }
            Objects.requireNonNull(recipe, "recipe");
            Objects.requireNonNull(progress, "progress");
            Objects.requireNonNull(device, "device");
            return new Trainer(copy());
        }
    }
}

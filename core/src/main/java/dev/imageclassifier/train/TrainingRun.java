package dev.imageclassifier.train;

import ai.onnxruntime.OrtException;
import dev.imageclassifier.data.DatasetException;
import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.io.Progress;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.model.ClassifierGraph;
import dev.imageclassifier.model.InvalidModelException;
import dev.imageclassifier.model.ModelMetadata;
import dev.imageclassifier.model.OnnxModel;
import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.vision.Preprocessing;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One training run, end to end: split manifest → backbone features (cached) → softmax head →
 * validation metrics → the one-file classifier and {@code metrics.json}, both written atomically, so a
 * failed run leaves the previous model in place.
 */
public final class TrainingRun {

    /** Everything a run needs. {@code cacheDir} null disables the feature cache. */
    public record Options(Path split, Path backbone, String backboneName, Path model, Path results, Path cacheDir,
                          Recipe recipe, Long seed, RuntimeOptions runtime, int decodeThreads, int batchSize,
                          boolean progress, String projectVersion) {
    }

    /** What a run produced. */
    public record Summary(Metrics metrics, int valImages, double imagesPerSecond, double trainingSeconds,
                          double totalSeconds, int bestEpoch) {
    }

    private final Options options;
    private final PrintWriter log;

    public TrainingRun(Options options, PrintWriter log) {
        this.options = options;
        this.log = log;
    }

    public Summary run() throws DatasetException, InvalidModelException, IOException, OrtException, InterruptedException {
        long start = System.nanoTime();
        SplitManifest split = SplitManifest.read(options.split());
        long seed = options.seed() != null ? options.seed() : split.seed();
        Recipe recipe = options.recipe();
        List<String> labels = split.labels();
        List<LabeledImage> train = split.subset(Subset.TRAIN);
        List<LabeledImage> val = split.subset(Subset.VAL);
        if (train.isEmpty() || val.isEmpty()) {
            throw new DatasetException(options.split() + " needs both training and validation images");
        }
        BackboneGraph backbone = BackboneGraph.load(options.backbone(), options.backboneName());
        Preprocessing preprocessing = Preprocessing.IMAGENET;
        FeatureCache cache = options.cacheDir() == null ? FeatureCache.disabled()
                : new FeatureCache(options.cacheDir(), backbone.sha256(), backbone.featureSource(), preprocessing);

        List<View> trainViews = trainingViews(recipe, seed);
        List<View> valViews = List.of(View.CENTER);
        List<Path> files = new ArrayList<>();
        train.forEach(image -> files.add(split.resolve(image)));
        val.forEach(image -> files.add(split.resolve(image)));

        FeatureExtractor.Result features;
        int featureDim;
        try (OnnxModel model = FeatureExtractor.openBackbone(backbone, options.runtime().singleThreadedRuns())) {
            FeatureExtractor extractor = new FeatureExtractor(model, preprocessing, cache, options.decodeThreads(),
                    options.runtime().parallelRuns(), options.batchSize());
            featureDim = extractor.featureDim();
            log.printf(Locale.ROOT, "Backbone %s (%s…): %d-d features from the %s%n", backbone.name(),
                    backbone.sha256().substring(0, 12), featureDim, backbone.featureSource());
            log.printf(Locale.ROOT, "Extracting features: %d training images × %d views + %d validation images%n",
                    train.size(), trainViews.size(), val.size());
            try (Progress progress = bar("Features", files.size(), "img")) {
                features = extractor.extract(files, i -> i < train.size() ? trainViews : valViews, progress);
            }
            log.printf(Locale.ROOT, "Features: %d computed (%.1f img/s), %d from cache, %.1f s%n",
                    features.computed(), features.imagesPerSecond(), features.cached(), features.seconds());
        }
        reportFailures(features.failures());

        // Failed images leave the run; the rest keep their order.
        List<float[][]> trainRows = new ArrayList<>();
        List<Integer> trainLabels = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            if (features.features()[i] != null) {
                trainRows.add(features.features()[i]);
                trainLabels.add(labels.indexOf(train.get(i).label()));
            }
        }
        List<float[]> valRows = new ArrayList<>();
        List<Integer> valLabels = new ArrayList<>();
        for (int i = 0; i < val.size(); i++) {
            float[][] row = features.features()[train.size() + i];
            if (row != null) {
                valRows.add(row[0]);
                valLabels.add(labels.indexOf(val.get(i).label()));
            }
        }

        if (trainRows.isEmpty() || valRows.isEmpty()) {
            throw new DatasetException("No decodable " + (trainRows.isEmpty() ? "training" : "validation") + " images left in "
                    + options.split() + " (" + features.failures().size() + " could not be read)");
        }
        log.printf(Locale.ROOT, "Training the head (%s recipe): %d images, %d classes, up to %d epochs%s%n",
                recipe.name(), trainRows.size(), labels.size(), recipe.epochs(),
                recipe.heads() > 1 ? ", the average of " + recipe.heads() + " heads" : "");
        HeadTrainer.Result head;
        try (Progress progress = bar("Epochs", recipe.epochs(), "epoch")) {
            head = new HeadTrainer(recipe, seed, options.runtime()).train(trainRows.toArray(float[][][]::new),
                    trainLabels.stream().mapToInt(Integer::intValue).toArray(), labels.size(), progress);
        }

        float[][] probabilities = new float[valRows.size()][];
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] = head.head().probabilities(valRows.get(i));
        }
        Metrics metrics = Metrics.of(labels, valLabels.stream().mapToInt(Integer::intValue).toArray(), probabilities);

        double total = (System.nanoTime() - start) / 1e9;
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("recipe", recipe.toMap());
        training.put("seed", seed);
        training.put("split_fingerprint", split.fingerprint());
        training.put("files_fingerprint", split.filesFingerprint());
        training.put("train_images", trainRows.size());
        training.put("val_images", valRows.size());
        training.put("best_epoch", head.bestEpoch());
        String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        ModelMetadata metadata = new ModelMetadata(labels, preprocessing, backbone.name(), backbone.sha256(), featureDim,
                training, metrics.headline(), created, options.projectVersion());

        Map<String, Object> report = new LinkedHashMap<>(metrics.toMap());
        report.put("backbone", Map.of("name", backbone.name(), "sha256", backbone.sha256(), "feature_dim", featureDim,
                "feature_source", backbone.featureSource()));
        report.put("recipe", recipe.toMap());
        report.put("seed", seed);
        report.put("split", Map.of("manifest", options.split().toString(), "fingerprint", split.fingerprint(),
                "train_images", trainRows.size(), "val_images", valRows.size(), "skipped_images", features.failures().size()));
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("feature_extraction_seconds", features.seconds());
        timings.put("feature_extraction_images_per_second", features.imagesPerSecond());
        timings.put("features_computed", features.computed());
        timings.put("features_from_cache", features.cached());
        timings.put("head_training_seconds", head.seconds());
        timings.put("total_seconds", total);
        report.put("timings", timings);
        List<Map<String, Object>> history = new ArrayList<>();
        for (HeadTrainer.Epoch epoch : head.history()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", epoch.epoch());
            row.put("learning_rate", epoch.learningRate());
            row.put("train_loss", epoch.trainLoss());
            if (!Double.isNaN(epoch.holdoutAccuracy())) {
                row.put("holdout_accuracy", epoch.holdoutAccuracy());
                row.put("holdout_loss", epoch.holdoutLoss());
            }
            history.add(row);
        }
        report.put("history", history);
        report.put("best_epoch", head.bestEpoch());
        report.put("model", options.model().toString());
        report.put("created_at", created);
        report.put("project_version", options.projectVersion());

        ClassifierGraph.write(ClassifierGraph.build(backbone, head.head().weights(), head.head().bias(), metadata), options.model());
        AtomicFiles.write(options.results().resolve("metrics.json"), Json.pretty(report));
        return new Summary(metrics, valRows.size(), features.imagesPerSecond(), head.seconds(), total, head.bestEpoch());
    }

    /** The cached views each training image contributes, in a fixed order (the centre crop first). */
    static List<View> trainingViews(Recipe recipe, long seed) {
        List<View> views = new ArrayList<>();
        if (recipe.centerView()) {
            views.add(View.CENTER);
        }
        if (recipe.flipView()) {
            views.add(View.CENTER_FLIP);
        }
        for (int k = 0; k < recipe.augmentedViews(); k++) {
            views.add(View.augmented(k, seed, recipe.augmentation()));
        }
        return views;
    }

    private void reportFailures(List<FeatureExtractor.Failure> failures) {
        if (failures.isEmpty()) {
            return;
        }
        log.printf(Locale.ROOT, "warning: skipped %d image(s) that could not be decoded, e.g.:%n", failures.size());
        failures.stream().limit(5).forEach(f -> log.printf(Locale.ROOT, "  %s: %s%n", f.path(), f.reason()));
    }

    private Progress bar(String task, long total, String unit) {
        return options.progress() ? Progress.bar(task, total, unit) : Progress.NONE;
    }
}

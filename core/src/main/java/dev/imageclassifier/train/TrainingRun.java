package dev.imageclassifier.train;

import dev.imageclassifier.data.DatasetException;
import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;
import dev.imageclassifier.inference.MicroBatcher.QueueFullException;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.io.Progress;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.model.ClassifierGraph;
import dev.imageclassifier.model.Int8Arithmetic;
import dev.imageclassifier.model.InvalidModelException;
import dev.imageclassifier.model.ModelMetadata;
import dev.imageclassifier.vision.Preprocessing;
import dev.imageclassifier.vision.View;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One training run, end to end: split manifest → backbone features (cached) → softmax head →
 * validation metrics → the one-file classifier and {@code metrics.json}. The outputs are checked before
 * the long work and written together at the end, so a failed run leaves the previous pair in place.
 */
public final class TrainingRun {

    /** What a run produced. */
    public record Summary(Metrics metrics, int valImages, double imagesPerSecond, double trainingSeconds,
                          double totalSeconds, int bestEpoch) {
    }

    /** The split, read and checked: labels in output order, and the seed the run uses. */
    private record Dataset(SplitManifest manifest, List<String> labels, List<LabeledImage> train, List<LabeledImage> val,
                           long seed) {
    }

    /** The features of the images that could be used, with their class indices. */
    private record Samples(float[][][] train, int[] trainLabels, float[][] val, int[] valLabels) {
    }

    private final TrainingOptions options;
    private final PrintWriter log;

    public TrainingRun(TrainingOptions options, PrintWriter log) {
        this.options = options;
        this.log = log;
    }

    public Summary run() throws DatasetException, InvalidModelException, IOException, InterruptedException, QueueFullException {
        long start = System.nanoTime();
        Dataset data = readSplit();
        checkOutputs();
        BackboneGraph backbone = BackboneGraph.load(options.backbone(), options.backboneName());
        Preprocessing preprocessing = Preprocessing.IMAGENET;
        FeatureExtractor.Result features;
        int featureDim;
        try (FeatureExtractor extractor = new FeatureExtractor(backbone, preprocessing, cache(backbone, preprocessing),
                options.runtime(), options.decodeThreads(), options.batchSize())) {
            featureDim = extractor.featureDim();
            log.printf(Locale.ROOT, "Backbone %s (%s…): %d-d features from the %s%n", backbone.name(),
                    backbone.sha256().substring(0, 12), featureDim, backbone.featureSource());
            features = extract(extractor, data);
        }
        Samples samples = samples(features, data);
        HeadTrainer.Result head = trainHead(samples, data);
        Metrics metrics = validate(head.head(), samples, data.labels());
        double total = (System.nanoTime() - start) / 1e9;
        write(backbone, featureDim, preprocessing, data, samples, features, head, metrics, total);
        return new Summary(metrics, samples.val().length, features.imagesPerSecond(), head.seconds(), total, head.bestEpoch());
    }

    private Dataset readSplit() throws DatasetException {
        SplitManifest split = SplitManifest.read(options.split());
        List<LabeledImage> train = split.subset(Subset.TRAIN);
        List<LabeledImage> val = split.subset(Subset.VAL);
        if (train.isEmpty() || val.isEmpty()) {
            throw new DatasetException(options.split() + " needs both training and validation images");
        }
        return new Dataset(split, split.labels(), train, val, options.seed() != null ? options.seed() : split.seed());
    }

    /** Fails now, not after the long work, when the model, metrics or cache cannot be written. */
    private void checkOutputs() throws IOException {
        AtomicFiles.checkWritable(options.model(), Files.size(options.backbone()) + (16L << 20));
        AtomicFiles.checkWritable(metricsFile(), 16L << 20);
        if (options.cacheDir() != null) {
            try {
                AtomicFiles.checkWritable(options.cacheDir().resolve("features.check"), 64L << 20);
            } catch (IOException e) {
                throw new IOException("feature cache: " + e.getMessage() + " (choose another with --cache-dir, or --no-cache)", e);
            }
        }
    }

    private FeatureCache cache(BackboneGraph backbone, Preprocessing preprocessing) {
        return options.cacheDir() == null ? FeatureCache.disabled()
                : new FeatureCache(options.cacheDir(), backbone.sha256(), backbone.featureSource() + Int8Arithmetic.cacheTag(),
                        preprocessing);
    }

    private FeatureExtractor.Result extract(FeatureExtractor extractor, Dataset data)
            throws InterruptedException, QueueFullException {
        List<View> trainViews = trainingViews(options.recipe(), data.seed());
        List<View> valViews = List.of(View.CENTER);
        List<Path> files = new ArrayList<>();
        data.train().forEach(image -> files.add(data.manifest().resolve(image)));
        data.val().forEach(image -> files.add(data.manifest().resolve(image)));
        log.printf(Locale.ROOT, "Extracting features: %d training images × %d views + %d validation images%n",
                data.train().size(), trainViews.size(), data.val().size());
        FeatureExtractor.Result features;
        try (Progress progress = bar("Features", files.size(), "img")) {
            features = extractor.extract(files, i -> i < data.train().size() ? trainViews : valViews, progress);
        }
        log.println(features.computed() == 0 ? String.format(Locale.ROOT, "Features: all %d from cache, %.1f s", features.cached(), features.seconds())
                : String.format(Locale.ROOT, "Features: %d computed (%.1f img/s), %d from cache, %.1f s",
                features.computed(), features.imagesPerSecond(), features.cached(), features.seconds()));
        if (features.cacheErrors() > 0) {
            log.printf(Locale.ROOT, "warning: %d feature(s) could not be written to the cache; they will be computed again%n",
                    features.cacheErrors());
        }
        reportSkipped(features.skipped());
        return features;
    }

    /** The usable images' features and class indices; skipped images leave the run, the rest keep their order. */
    private Samples samples(FeatureExtractor.Result features, Dataset data) throws DatasetException {
        List<float[][]> train = new ArrayList<>();
        List<Integer> trainLabels = new ArrayList<>();
        List<float[]> val = new ArrayList<>();
        List<Integer> valLabels = new ArrayList<>();
        int trainCount = data.train().size();
        for (int i = 0; i < features.features().length; i++) {
            float[][] views = features.features()[i];
            if (views == null) {
                continue;
            }
            LabeledImage image = i < trainCount ? data.train().get(i) : data.val().get(i - trainCount);
            int label = data.labels().indexOf(image.label());
            if (i < trainCount) {
                train.add(views);
                trainLabels.add(label);
            } else {
                val.add(views[0]);
                valLabels.add(label);
            }
        }
        if (train.isEmpty() || val.isEmpty()) {
            throw new DatasetException("No decodable " + (train.isEmpty() ? "training" : "validation") + " images left in "
                    + options.split() + " (" + features.skipped().size() + " could not be read)");
        }
        return new Samples(train.toArray(float[][][]::new), ints(trainLabels), val.toArray(float[][]::new), ints(valLabels));
    }

    private HeadTrainer.Result trainHead(Samples samples, Dataset data) throws IOException {
        Recipe recipe = options.recipe();
        log.printf(Locale.ROOT, "Training the head (%s recipe): %d images, %d classes, up to %d epochs%s%s%n",
                recipe.name(), samples.train().length, data.labels().size(), recipe.epochs(),
                recipe.heads() > 1 ? ", the average of " + recipe.heads() + " heads" : "",
                recipe.weightDecayCandidates().isEmpty() ? "" : ", weight decay chosen on the hold-out from "
                        + recipe.weightDecayCandidates());
        try (Progress progress = bar("Epochs", HeadTrainer.progressEpochs(recipe, samples.train()), "epoch")) {
            return new HeadTrainer(recipe, data.seed(), options.runtime())
                    .train(samples.train(), samples.trainLabels(), data.labels().size(), progress);
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException("the head's training graph failed: " + e.getMessage(), e);
        }
    }

    private static Metrics validate(LinearHead head, Samples samples, List<String> labels) {
        float[][] probabilities = new float[samples.val().length][];
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] = head.probabilities(samples.val()[i]);
        }
        return Metrics.of(labels, samples.valLabels(), probabilities);
    }

    /** The classifier file and metrics.json, both or neither; the same run id in each. */
    private void write(BackboneGraph backbone, int featureDim, Preprocessing preprocessing, Dataset data, Samples samples,
                       FeatureExtractor.Result features, HeadTrainer.Result head, Metrics metrics, double totalSeconds)
            throws IOException {
        String runId = UUID.randomUUID().toString();
        String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        SplitManifest split = data.manifest();
        TrainingReport.Facts facts = new TrainingReport.Facts(options.recipe(), head.weightDecay(), data.seed(), split.fingerprint(),
                split.filesFingerprint(), samples.train().length, samples.val().length, head.bestEpoch(), runId);
        ModelMetadata metadata = new ModelMetadata(data.labels(), preprocessing, backbone.name(), backbone.sha256(), featureDim,
                Json.toMap(facts), Json.toMap(metrics.headline()), created, options.projectVersion(), options.backboneUrl());
        TrainingReport report = new TrainingReport(metrics.report(),
                new TrainingReport.Backbone(backbone.name(), backbone.sha256(), featureDim, backbone.featureSource()),
                options.recipe(), TrainingReport.Regularization.of(head), data.seed(),
                new TrainingReport.Split(options.split().toString(), split.fingerprint(), samples.train().length,
                        samples.val().length, features.skipped().size()),
                new TrainingReport.Timings(features.seconds(), features.imagesPerSecond(), features.computed(), features.cached(),
                        head.seconds(), totalSeconds),
                head.history().stream().map(TrainingReport.Epoch::of).toList(), head.bestEpoch(), options.model().toString(),
                runId, created, options.projectVersion());
        Map<Path, AtomicFiles.Writer> outputs = new LinkedHashMap<>();
        outputs.put(metricsFile(), out -> out.write(Json.pretty(report)));
        outputs.put(options.model(), ClassifierGraph.build(backbone, head.head().weights(), head.head().bias(), metadata)::writeTo);
        AtomicFiles.writeTogether(outputs);
    }

    private Path metricsFile() {
        return options.results().resolve("metrics.json");
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

    private void reportSkipped(List<SkippedImage> skipped) {
        if (skipped.isEmpty()) {
            return;
        }
        log.printf(Locale.ROOT, "warning: skipped %d image(s) that could not be decoded, e.g.:%n", skipped.size());
        skipped.stream().limit(5).forEach(f -> log.printf(Locale.ROOT, "  %s: %s%n", f.path(), f.reason()));
    }

    private Progress bar(String task, long total, String unit) {
        return options.progress() ? Progress.bar(task, total, unit) : Progress.NONE;
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}

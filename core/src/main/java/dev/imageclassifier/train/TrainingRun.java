package dev.imageclassifier.train;

import dev.imageclassifier.data.DatasetException;
import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;
import dev.imageclassifier.inference.MicroBatcher.QueueFullException;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Progress;
import dev.imageclassifier.train.TrainingOutputs.Samples;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.model.Int8Arithmetic;
import dev.imageclassifier.model.InvalidModelException;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.Preprocessing;
import dev.imageclassifier.vision.View;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
        FramingChoice.Result framing = chooseFraming(backbone, data);
        Preprocessing preprocessing = Preprocessing.IMAGENET.withFraming(framing.chosen());
        FeatureExtractor.Result features;
        int featureDim;
        try (FeatureExtractor extractor = extractor(backbone, preprocessing)) {
            featureDim = extractor.featureDim();
            log.printf(Locale.ROOT, "Backbone %s (%s…): %d-d features from the %s%n", backbone.name(),
                    backbone.sha256().substring(0, 12), featureDim, backbone.featureSource());
            features = extract(extractor, data);
        }
        Samples samples = samples(features, data);
        HeadTrainer.Result head = trainHead(samples, data);
        Metrics metrics = TrainingOutputs.validate(head.head(), samples, data.labels());
        double total = (System.nanoTime() - start) / 1e9;
        TrainingOutputs.write(options, backbone, data.manifest(), data.seed(), samples.train().length, samples.val().length,
                new TrainingOutputs.Extraction(featureDim, preprocessing, features.seconds(), features.imagesPerSecond(),
                        features.computed(), features.cached(), features.skipped().size()),
                TrainingReport.Framing.of(framing), head, metrics, total);
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
        AtomicFiles.checkWritable(TrainingOutputs.metricsFile(options), 16L << 20);
        if (options.cacheDir() != null) {
            try {
                AtomicFiles.checkWritable(options.cacheDir().resolve("features.check"), 64L << 20);
            } catch (IOException e) {
                throw new IOException("feature cache: " + e.getMessage() + " (choose another with --cache-dir, or --no-cache)", e);
            }
        }
    }

    private FeatureExtractor extractor(BackboneGraph backbone, Preprocessing preprocessing) throws InvalidModelException {
        return new FeatureExtractor(backbone, preprocessing, cache(backbone, preprocessing), options.runtime(),
                options.decodeThreads(), options.batchSize());
    }

    /** The recipe's framing, or the one that does best on a hold-out of a sample of the training images. */
    private FramingChoice.Result chooseFraming(BackboneGraph backbone, Dataset data)
            throws InvalidModelException, InterruptedException, QueueFullException {
        Recipe recipe = options.recipe();
        if (recipe.framings().size() == 1) {
            return FramingChoice.Result.fixed(recipe.framings().get(0));
        }
        int[] labels = data.train().stream().mapToInt(image -> data.labels().indexOf(image.label())).toArray();
        int sample = (int) Math.round(data.train().size() * 0.3);
        log.printf(Locale.ROOT, "Choosing the framing (%s) on a sample of the training images%n", recipe.framings());
        FramingChoice.Result choice;
        try (Progress progress = bar("Framing", (long) sample * recipe.framings().size(), "img")) {
            choice = FramingChoice.choose(recipe, Preprocessing.IMAGENET, data.train(), data.manifest()::resolve, labels,
                    data.labels().size(), data.seed(), preprocessing -> extractor(backbone, preprocessing), progress);
        }
        choice.candidates().forEach(c -> log.printf(Locale.ROOT, "  %-12s hold-out loss %.4f, accuracy %.2f%%%n",
                c.framing(), c.holdoutLoss(), 100 * c.holdoutAccuracy()));
        log.printf(Locale.ROOT, "Framing: %s (chosen on %d training images, %.1f s)%n", choice.chosen(), choice.images(),
                choice.seconds());
        return choice;
    }

    private FeatureCache cache(BackboneGraph backbone, Preprocessing preprocessing) {
        return options.cacheDir() == null ? FeatureCache.disabled()
                : new FeatureCache(options.cacheDir(), backbone.sha256(), backbone.featureSource() + Int8Arithmetic.cacheTag()
                        + (ImageDecoder.exactRequested() ? ",exact-decode" : ""),
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

    /** The cached views each training image contributes, in a fixed order (the centre crop first). */
    public static List<View> trainingViews(Recipe recipe, long seed) {
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

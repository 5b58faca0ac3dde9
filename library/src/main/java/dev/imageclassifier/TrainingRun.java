package dev.imageclassifier;

import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.train.FramingChoice;
import dev.imageclassifier.train.HeadTrainer;
import dev.imageclassifier.train.LinearHead;
import dev.imageclassifier.train.Metrics;
import dev.imageclassifier.train.Recipe;
import dev.imageclassifier.train.TrainingOptions;
import dev.imageclassifier.train.TrainingOutputs;
import dev.imageclassifier.train.TrainedHeads;
import dev.imageclassifier.train.TrainingReport;
import dev.imageclassifier.vision.Preprocessing;
import dev.imageclassifier.vision.View;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One training run, end to end: the split → the framing chosen on a sample of the training images →
 * backbone features (from a {@link FeatureSource}) → softmax head → validation metrics → the one-file
 * classifier and {@code metrics.json}. The outputs are checked before the long work and written at the end,
 * both complete before the model and then {@code metrics.json} are renamed into place, so a failed run leaves
 * the previous pair in place.
 */
final class TrainingRun {

    private final TrainingOptions options;
    private final FeatureSource source;
    private final ProgressListener progress;
    private final BackboneGraph backbone;

    TrainingRun(TrainingOptions options, BackboneGraph backbone, FeatureSource source, ProgressListener progress) {
        this.options = options;
        this.backbone = backbone;
        this.source = source;
        this.progress = progress;
    }

    TrainingResult run(DatasetSplit split) throws DatasetException, InvalidModelException, IOException, InterruptedException {
        long start = System.nanoTime();
        SplitManifest manifest = split.manifest();
        List<LabeledImage> train = manifest.subset(Subset.TRAIN);
        List<LabeledImage> val = manifest.subset(Subset.VAL);
        if (train.isEmpty() || val.isEmpty()) {
            throw new DatasetException(DatasetException.Problem.NO_USABLE_IMAGES, split.source(),
                    split.source() + " needs both training and validation images");
        }
        checkOutputs();
        long seed = options.seed() != null ? options.seed() : manifest.seed();
        List<String> labels = manifest.labels();
        FramingChoice.Result framing = chooseFraming(manifest, train, labels, seed);

        List<LabeledImage> all = new ArrayList<>(train);
        all.addAll(val);
        FeatureRequest request = request(manifest, all, framing.chosen(), trainingViews(options.recipe(), seed));
        note("Extracting features: %d training images × %d views + %d validation images", train.size(),
                request.trainingViews(), val.size());
        long featureStart = System.nanoTime();
        FeatureTable table;
        try (Progress bar = progress.begin("Features", all.size(), "img")) {
            table = source.extract(request, bar);
        }
        double featureSeconds = (System.nanoTime() - featureStart) / 1e9;
        reportFeatures(table, featureSeconds);
        TrainingDataCheck.note(source, table, request, options.runtime(), progress);

        TrainedHead trained = trainHead(table, request, labels, seed);
        int featureDim = trained.head.head().dim();
        note("Backbone %s (%s…): %d-d features from the %s", backbone.name(), backbone.sha256().substring(0, 12), featureDim,
                backbone.featureSource());
        double total = (System.nanoTime() - start) / 1e9;
        TrainingOutputs.Extraction extraction = new TrainingOutputs.Extraction(featureDim,
                Preprocessing.IMAGENET.withFraming(framing.chosen()), featureSeconds,
                table.computed() == 0 ? 0 : table.computed() / featureSeconds, (int) table.computed(), (int) table.cached(),
                (int) table.failureCount());
        TrainingOutputs.write(options.withRecipe(trained.recipe), backbone, manifest, seed, trained.trainImages, trained.valImages, extraction,
                TrainingReport.Framing.of(framing), trained.head, trained.metrics, total);
        Metrics m = trained.metrics;
        return new TrainingResult(options.model(), options.metricsFile(), m.accuracy(), m.top5Accuracy(), m.f1Weighted(),
                labels.size(), trained.trainImages, trained.valImages, table.failureCount(), framing.chosen(), trained.trainer,
                trained.head.bestEpoch(), trained.head.weightDecay(), table.computed(), table.cached(), featureSeconds,
                trained.head.seconds(), total);
    }

    /** Fails now, not after the long work, when the model, metrics or cache cannot be written. */
    private void checkOutputs() throws IOException {
        AtomicFiles.checkWritable(options.model(), Files.size(options.backbone()) + (16L << 20));
        AtomicFiles.checkWritable(options.metricsFile(), 16L << 20);
        if (options.cacheDir() != null) {
            try {
                AtomicFiles.checkWritable(options.cacheDir().resolve("features.check"), 64L << 20);
            } catch (IOException e) {
                throw new IOException("the feature cache cannot be written: " + e.getMessage(), e);
            }
        }
    }

    /** The recipe's framing, or the one that does best on a hold-out of a sample of the training images. */
    private FramingChoice.Result chooseFraming(SplitManifest manifest, List<LabeledImage> train, List<String> labels, long seed)
            throws IOException, InvalidModelException, InterruptedException {
        Recipe recipe = options.recipe();
        if (recipe.framings().size() == 1) {
            return FramingChoice.Result.fixed(recipe.framings().get(0));
        }
        int[] classes = train.stream().mapToInt(image -> labels.indexOf(image.label())).toArray();
        note("Choosing the framing (%s) on a sample of the training images", recipe.framings());
        FramingChoice.Result choice;
        try (Progress bar = progress.begin("Framing", (long) FramingChoice.sampleSize(train.size()) * recipe.framings().size(), "img")) {
            choice = FramingChoice.choose(recipe, classes, labels.size(), seed, trainedHeads(), (framing, sample) -> {
                List<LabeledImage> images = sample.stream().map(train::get).toList();
                return source.extract(request(manifest, images, framing, List.of(View.CENTER)), bar).collect();
            });
        }
        choice.candidates().forEach(c -> note("  %-12s hold-out loss %.4f, accuracy %.2f%%", c.framing(), c.holdoutLoss(),
                100 * c.holdoutAccuracy()));
        note("Framing: %s (chosen on %d training images, %.1f s)", choice.chosen(), choice.images(), choice.seconds());
        return choice;
    }

    private FeatureRequest request(SplitManifest manifest, List<LabeledImage> images, Framing framing, List<View> trainingViews) {
        List<DatasetSplit.Image> rows = images.stream().map(i -> new DatasetSplit.Image(i.path(), i.label(), i.subset().id())).toList();
        return new FeatureRequest(options.backbone(), backbone.name(), framing, manifest.root(), rows, trainingViews,
                options.batchSize());
    }

    private void reportFeatures(FeatureTable table, double seconds) {
        note(table.computed() == 0 ? String.format(Locale.ROOT, "Features: all %d from cache, %.1f s", table.cached(), seconds)
                : String.format(Locale.ROOT, "Features: %d computed (%.1f img/s), %d from cache, %.1f s",
                table.computed(), table.computed() / seconds, table.cached(), seconds));
        if (table.cacheErrors() > 0) {
            note("warning: %d feature(s) could not be written to the cache; they will be computed again", table.cacheErrors());
        }
        if (table.failureCount() > 0) {
            note("warning: skipped %d image(s) that could not be decoded, e.g.:", table.failureCount());
            table.failures().stream().limit(5).forEach(f -> note("  %s: %s", f.path(), f.reason()));
        }
    }

    /** The head, its metrics and who trained it. */
    private record TrainedHead(HeadTrainer.Result head, Metrics metrics, Recipe recipe, String trainer, int trainImages,
                               int valImages) {
    }

    /** Fitted where the features live when the source offers it (too large for here), else by this library's trainer. */
    private TrainedHead trainHead(FeatureTable table, FeatureRequest request, List<String> labels, long seed)
            throws IOException, DatasetException {
        Recipe recipe = options.recipe();
        var remote = table.fitHead(labels);
        if (remote.isPresent()) {
            return remoteHead(remote.get(), table, request, labels);
        }
        TrainingOutputs.Samples samples = samples(table, request, labels);
        boolean lbfgs = recipe.solver() == Recipe.Solver.LBFGS;
        note("Training the head (%s recipe): %d images, %d classes, %s%s%s", recipe.name(), samples.train().length,
                labels.size(), lbfgs ? "L-BFGS to the optimum" : "up to " + recipe.epochs() + " epochs",
                recipe.heads() > 1 && !lbfgs ? ", the average of " + recipe.heads() + " heads" : "",
                recipe.weightDecayCandidates().isEmpty() ? "" : ", weight decay chosen on "
                        + (HeadTrainer.crossValidates(recipe, samples.train().length) ? "5-fold cross-validation" : "the hold-out") + " from "
                        + recipe.weightDecayCandidates());
        HeadTrainer.Result head;
        try (Progress bar = progress.begin(lbfgs ? "Fits" : "Epochs", HeadTrainer.progressEpochs(recipe, samples.train()),
                lbfgs ? "fit" : "epoch")) {
            head = new HeadTrainer(recipe, seed, options.runtime(), trainedHeads())
                    .train(samples.train(), samples.trainLabels(), labels.size(), bar);
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException("the head's training graph failed: " + e.getMessage(), e);
        }
        return new TrainedHead(head, TrainingOutputs.validate(head.head(), samples, labels), recipe, "trainer",
                samples.train().length, samples.val().length);
    }

    private TrainedHead remoteHead(FittedHead fitted, FeatureTable table, FeatureRequest request, List<String> labels)
            throws IOException {
        LinearHead head = new LinearHead(fitted.dimension(), fitted.classes(), fitted.weights(), fitted.bias());
        List<float[]> probabilities = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        table.forEachValidation(request, (label, vector) -> {
            probabilities.add(head.probabilities(vector));
            truth.add(labels.indexOf(label));
        });
        Metrics metrics = Metrics.of(labels, truth.stream().mapToInt(Integer::intValue).toArray(), probabilities.toArray(float[][]::new));
        Recipe recorded = Recipe.builder(fitted.method() + new java.util.TreeMap<>(fitted.settings())).learningRate(1).momentum(0).batchSize(1)
                .epochs(Math.max(1, fitted.iterations())).stepSize(Math.max(1, fitted.iterations())).gamma(1)
                .weightDecay(fitted.regularisation()).heads(1).build();
        int trainImages = (int) request.images().stream().filter(DatasetSplit.Image::training).count() - failedTraining(table, request);
        return new TrainedHead(new HeadTrainer.Result(head, List.of(), fitted.iterations(), 0, fitted.regularisation(), List.of(), 0),
                metrics, recorded, fitted.method(), trainImages, truth.size());
    }

    /** Training images among the failures the table lists (a source may list only the first few). */
    private static int failedTraining(FeatureTable table, FeatureRequest request) {
        var training = request.images().stream().filter(DatasetSplit.Image::training).map(DatasetSplit.Image::path)
                .collect(java.util.stream.Collectors.toSet());
        return (int) table.failures().stream().filter(f -> training.contains(f.path())).count();
    }

    /** The usable images' features and class indices; skipped images leave the run, the rest keep their order. */
    private static TrainingOutputs.Samples samples(FeatureTable table, FeatureRequest request, List<String> labels)
            throws IOException, DatasetException {
        float[][][] features = table.collect();
        List<float[][]> train = new ArrayList<>();
        List<Integer> trainLabels = new ArrayList<>();
        List<float[]> val = new ArrayList<>();
        List<Integer> valLabels = new ArrayList<>();
        for (int i = 0; i < features.length; i++) {
            DatasetSplit.Image image = request.images().get(i);
            if (features[i] == null) {
                continue;
            }
            if (image.training()) {
                train.add(features[i]);
                trainLabels.add(labels.indexOf(image.label()));
            } else {
                val.add(features[i][0]);
                valLabels.add(labels.indexOf(image.label()));
            }
        }
        if (train.isEmpty() || val.isEmpty()) {
            throw new DatasetException(DatasetException.Problem.NO_USABLE_IMAGES, null, "No decodable "
                    + (train.isEmpty() ? "training" : "validation") + " images left (" + table.failureCount() + " could not be read)");
        }
        return new TrainingOutputs.Samples(train.toArray(float[][][]::new), ints(trainLabels), val.toArray(float[][]::new),
                ints(valLabels));
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Heads trained before on the same features and settings, kept beside the feature cache (none without it). */
    private TrainedHeads trainedHeads() {
        return options.cacheDir() == null ? TrainedHeads.disabled() : new TrainedHeads(options.cacheDir().resolve("heads"));
    }

    /** The cached views each training image contributes, in a fixed order (the centre view first). */
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

    private void note(String format, Object... args) {
        progress.note(String.format(Locale.ROOT, format, args));
    }
}

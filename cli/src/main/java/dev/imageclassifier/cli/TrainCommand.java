package dev.imageclassifier.cli;

import dev.imageclassifier.BackboneFile;
import dev.imageclassifier.ClassifierOptions;
import dev.imageclassifier.DatasetSplit;
import dev.imageclassifier.Framing;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.Progress;
import dev.imageclassifier.ProgressListener;
import dev.imageclassifier.Trainer;
import dev.imageclassifier.TrainingRecipe;
import dev.imageclassifier.TrainingResult;
import dev.imageclassifier.io.CacheDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        header = "Train a softmax head on frozen backbone features; write the classifier and metrics.json.",
        description = {
                "Transfer learning: run a frozen ImageNet backbone over the split's images once (features are cached on "
                        + "disk), train a softmax head on them with SGD + momentum + step learning rate, evaluate on the "
                        + "validation images, and write ONE self-describing ONNX classifier (backbone + head + softmax, labels "
                        + "and preprocessing in its metadata) plus metrics.json. Both are written atomically: a failed run "
                        + "leaves the previous model in place.",
                ""})
final class TrainCommand implements Callable<Integer> {

    @Mixin
    PreprocessingMixin preprocessing;

    @Spec
    CommandSpec spec;

    @Mixin
    SharedOptions.SplitFile split;

    @Mixin
    SharedOptions.BackboneSource backbone;

    @Mixin
    SharedOptions.ModelFile model;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "${env:RESULTS_DIR:-" + SharedOptions.RESULTS_DIR + "}",
            description = "Where metrics.json goes (env RESULTS_DIR, default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--recipe", paramLabel = "reference|default|default-sgd", defaultValue = "default",
            description = "Head training recipe: `reference` reproduces the reference FastAPI/PyTorch service exactly (lr 0.001, "
                    + "momentum 0.9, batch 32, 5 epochs, StepLR 7/0.1); `default` is tuned for accuracy (framing chosen, "
                    + "L-BFGS to the optimum, weight decay chosen); `default-sgd` is the default before L-BFGS (five SGD heads "
                    + "averaged, early stopping) (default: ${DEFAULT-VALUE}).")
    String recipe;

    @Option(names = "--epochs", paramLabel = "N", description = "Override the recipe's number of epochs.")
    Integer epochs;

    @Option(names = "--lr", paramLabel = "RATE", description = "Override the recipe's initial learning rate.")
    Double learningRate;

    @Option(names = "--weight-decay", paramLabel = "L2[,L2...]", split = ",",
            description = "Override the recipe's L2 weight decay: one value fixes it, several are candidates chosen on the "
                    + "hold-out part of the training images (default recipe: chosen from its own candidates).")
    List<Double> weightDecay;

    @Option(names = "--framing", paramLabel = "NAME[,NAME...]", split = ",", converter = FramingName.class,
            description = "How images are framed into the model's input: center-crop (shorter side to 256, centre 224, as "
                    + "torchvision), short-side (shorter side to 224, centre 224) or whole (the whole image to 224×224). "
                    + "One forces it; several are candidates chosen on a hold-out of the training images (default recipe: "
                    + "all three; reference recipe: center-crop).")
    List<Framing> framings;

    /** center-crop / short-side / whole. */
    static final class FramingName implements picocli.CommandLine.ITypeConverter<Framing> {
        @Override
        public Framing convert(String value) {
            return Framing.parse(value);
        }
    }

    @Option(names = "--heads", paramLabel = "N",
            description = "Override how many heads are trained side by side from different seeds and averaged into "
                    + "one (default recipe: 5, reference recipe: 1); the average is one linear head, free when serving.")
    Integer heads;

    @Option(names = "--aug-views", paramLabel = "K",
            description = "Override the number of random augmented views cached per training image "
                    + "(random resized crop + flip + rotation ±10°), besides the centre crop and its mirror image.")
    Integer augmentedViews;

    @Option(names = "--exclude-suspects", paramLabel = "FILE", defaultValue = "${env:EXCLUDE_SUSPECTS}",
            description = "Leave these images out of training (never out of validation, and no file is changed): an audit's "
                    + "audit.json (its probably-mislabelled images, outliers and problem files), or a CSV with a path column, "
                    + "or a list of paths, one a line, as the split names them (env EXCLUDE_SUSPECTS).")
    Path excludeSuspects;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for augmentation and head training (default: the split's seed).")
    Long seed;

    @Option(names = "--no-cache", description = "Do not read or write cached features.")
    boolean noCache;

    @Option(names = "--decode-threads", paramLabel = "N", defaultValue = "0",
            description = "Threads decoding images beside inference; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int decodeThreads;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Images per ONNX Runtime call during feature extraction (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--quantize", paramLabel = "int8",
            description = "Then quantize the classifier to int8 as `quantize` does (default settings): <model>-int8.onnx and "
                    + "<results>/quantization.json are written only when validation top-1 falls by at most 1 point.")
    String quantize;

    @Option(names = "--report", description = "Then evaluate the written model on the validation images and write the visual "
            + "report, <results>/report.html, as `evaluate` does (with the training curves of this run).")
    boolean report;

    @Mixin
    SharedOptions.NoProgress noProgress;

    @Mixin
    SharedOptions.Inference inference;

    @Override
    public Integer call() throws Exception {
        if (quantize != null && !quantize.equals("int8")) {
            throw new ParameterException(spec.commandLine(), "--quantize takes int8, not '" + quantize + "'");
        }
        ProgressListener progress = ConsoleProgress.onStderr(spec.commandLine().getErr(), noProgress.set);
        CacheDirectory cache = CacheDirectory.resolve(backbone.cacheDir);
        BackboneFile resolved = BackboneFile.resolve(backbone.backbone, cache.root(), backbone.offline, progress);
        TrainingRecipe chosen = recipe();
        Trainer.Builder trainer = Trainer.builder().backbone(resolved).recipe(chosen).cacheDirectory(noCache ? null : cache.features())
                .threads(inference.threads).device(inference.device).decodeThreads(decodeThreads).batchSize(batchSize)
                .progress(progress);
        if (seed != null) {
            trainer.seed(seed);
        }
        DatasetSplit data = DatasetSplit.read(split.path);
        if (excludeSuspects != null) {
            int before = data.trainImages();
            data = data.withoutTraining(AuditFindings.suspects(excludeSuspects));
            spec.commandLine().getErr().printf(Locale.ROOT, "Excluding %d training image(s) listed in %s%n", before - data.trainImages(),
                    excludeSuspects);
        }
        TrainingResult result = trainer.build().train(data, model.path, results);
        spec.commandLine().getOut().printf(Locale.ROOT,
                "Trained %s on %s: val accuracy %.2f%% (top-5 %.2f%%, weighted F1 %.3f) on %d images, %d classes; "
                        + "features %s, head %s (kept %s %d), total %.1f s → %s, %s%n",
                chosen.name(), resolved.name(), 100 * result.accuracy(), 100 * result.top5Accuracy(), result.f1Weighted(),
                result.valImages(), result.classes(), result.imagesPerSecond() > 0
                        ? String.format(Locale.ROOT, "%.0f img/s", result.imagesPerSecond()) : "all from cache",
                result.headSeconds() > 0 ? String.format(Locale.ROOT, "%.1f s", result.headSeconds()) : "from the cache",
                chosen.fitsToOptimum() ? "iteration" : "epoch", result.bestEpoch(), result.totalSeconds(), result.model(),
                result.metrics());
        spec.commandLine().getOut().printf(Locale.ROOT, "Check the data for duplicates, leakage and label errors: image-classifier audit "
                + "--split %s --backbone %s --framing %s%n", split.path, backbone.backbone, result.framing().id());
        if (report) {
            writeReport(data);
        }
        return quantize == null ? 0 : QuantizeCommand.afterTraining(model.path, data, results, inference, progress,
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** The visual report of the model just written: its own file run on the split, as a user of it will see it. */
    private void writeReport(DatasetSplit data) throws Exception {
        Path file = results.resolve("report.html");
        try (ImageClassifier classifier = ImageClassifier.load(model.path, ClassifierOptions.builder().threads(inference.threads)
                .device(inference.device).build())) {
            classifier.evaluate(data, Progress.NONE).writeReport(file, results.resolve("metrics.json"));
        }
        spec.commandLine().getOut().printf("Wrote the visual report → %s%n", file);
    }

    /** The named recipe with the flags' overrides. */
    private TrainingRecipe recipe() {
        TrainingRecipe.Builder chosen = TrainingRecipe.named(recipe).toBuilder();
        if (epochs != null) {
            chosen.epochs(epochs);
        }
        if (learningRate != null) {
            chosen.learningRate(learningRate);
        }
        if (augmentedViews != null) {
            chosen.augmentedViews(augmentedViews);
        }
        if (heads != null) {
            chosen.heads(heads);
        }
        if (framings != null) {
            chosen.framings(framings);
        }
        if (weightDecay != null && weightDecay.size() == 1) {
            chosen.weightDecay(weightDecay.get(0));
        } else if (weightDecay != null) {
            chosen.weightDecayCandidates(weightDecay);
        }
        return chosen.build();
    }
}

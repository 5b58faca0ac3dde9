package dev.imageclassifier.cli;

import dev.imageclassifier.train.Metrics;
import dev.imageclassifier.train.Recipe;
import dev.imageclassifier.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import dev.imageclassifier.io.CacheDirectory;
import dev.imageclassifier.model.BackboneResolver;
import dev.imageclassifier.model.ResolvedBackbone;
import java.nio.file.Path;
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

    @Option(names = "--split", paramLabel = "FILE", defaultValue = "${env:SPLIT_PATH:-data/split.csv}",
            description = "Split manifest written by `prepare` (env SPLIT_PATH, default: ${DEFAULT-VALUE}).")
    Path split;

    @Option(names = "--backbone", paramLabel = "NAME|FILE|URL", defaultValue = "${env:BACKBONE:-resnet50}",
            description = "Frozen ImageNet backbone: a registered name (resnet50, mobilenetv2-int8; downloaded once into the "
                    + "cache), an .onnx file, or an http(s) URL. Its penultimate tensor (the input of the final Gemm/MatMul, "
                    + "dequantized if int8) becomes the features (env BACKBONE, default: ${DEFAULT-VALUE}).")
    String backbone;

    @Option(names = "--model", paramLabel = "FILE", defaultValue = "${env:MODEL_PATH:-model/classifier.onnx}",
            description = "Where the trained classifier goes (env MODEL_PATH, default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "${env:RESULTS_DIR:-results}",
            description = "Where metrics.json goes (env RESULTS_DIR, default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--recipe", paramLabel = "seed|default", defaultValue = "default",
            description = "Head training recipe: `seed` reproduces the seed project exactly (lr 0.001, momentum 0.9, batch 32, "
                    + "5 epochs, StepLR 7/0.1); `default` is tuned for accuracy (default: ${DEFAULT-VALUE}).")
    String recipe;

    @Option(names = "--epochs", paramLabel = "N", description = "Override the recipe's number of epochs.")
    Integer epochs;

    @Option(names = "--lr", paramLabel = "RATE", description = "Override the recipe's initial learning rate.")
    Double learningRate;

    @Option(names = "--heads", paramLabel = "N",
            description = "Override how many heads are trained side by side from different seeds and averaged into "
                    + "one (default recipe: 5, seed recipe: 1); the average is one linear head, free when serving.")
    Integer heads;

    @Option(names = "--aug-views", paramLabel = "K",
            description = "Override the number of random augmented views cached per training image "
                    + "(random resized crop + flip + rotation ±10°), besides the centre crop and its mirror image.")
    Integer augmentedViews;

    @Option(names = "--seed", description = "Seed for augmentation and head training (default: the split's seed).")
    Long seed;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Cache root for downloaded backbones and features (env IMAGE_CLASSIFIER_CACHE, "
                    + "else $XDG_CACHE_HOME/image-classifier, else ~/.cache/image-classifier).")
    Path cacheDir;

    @Option(names = "--offline", defaultValue = "${env:OFFLINE:-false}",
            description = "Never touch the network; fail clearly when the backbone is not cached (env OFFLINE).")
    boolean offline;

    @Option(names = "--no-cache", description = "Do not read or write cached features.")
    boolean noCache;

    @Option(names = "--decode-threads", paramLabel = "N", defaultValue = "0",
            description = "Threads decoding images beside inference; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int decodeThreads;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Images per ONNX Runtime call during feature extraction (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--no-progress", description = "No progress bars (also env NO_PROGRESS).")
    boolean noProgress;

    @Mixin
    RuntimeMixin runtime;

    @Override
    public Integer call() throws Exception {
        CacheDirectory cache = CacheDirectory.resolve(cacheDir);
        ResolvedBackbone resolved = BackboneResolver.standard(cache.root(), offline).resolve(backbone);
        Recipe chosen = Recipe.named(recipe);
        if (epochs != null) {
            chosen = chosen.withEpochs(epochs);
        }
        if (learningRate != null) {
            chosen = chosen.withLearningRate(learningRate);
        }
        if (augmentedViews != null) {
            chosen = chosen.withAugmentedViews(augmentedViews);
        }
        if (heads != null) {
            chosen = chosen.withHeads(heads);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        TrainingRun.Options options = new TrainingRun.Options(split, resolved.path(), resolved.name(), model, results,
                noCache ? null : cache.features(), chosen, seed, runtime.options(),
                decodeThreads > 0 ? decodeThreads : cores, batchSize, !noProgress, ProjectVersion.get());
        TrainingRun.Summary summary = new TrainingRun(options, spec.commandLine().getErr()).run();
        Metrics m = summary.metrics();
        spec.commandLine().getOut().printf(Locale.ROOT,
                "Trained %s on %s: val accuracy %.2f%% (top-5 %.2f%%, weighted F1 %.3f) on %d images, %d classes; "
                        + "features %.0f img/s, head %.1f s (best epoch %d), total %.1f s → %s, %s%n",
                chosen.name(), resolved.name(), 100 * m.accuracy(), 100 * m.top5Accuracy(), m.f1Weighted(), summary.valImages(),
                m.confusionMatrix().length, summary.imagesPerSecond(), summary.trainingSeconds(), summary.bestEpoch(),
                summary.totalSeconds(), model, results.resolve("metrics.json"));
        return 0;
    }
}

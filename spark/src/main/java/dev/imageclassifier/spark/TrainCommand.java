package dev.imageclassifier.spark;

import dev.imageclassifier.BackboneFile;
import dev.imageclassifier.DatasetSplit;
import dev.imageclassifier.Progress;
import dev.imageclassifier.ProgressListener;
import dev.imageclassifier.TrainingRecipe;
import dev.imageclassifier.TrainingResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        header = "Train a classifier on Spark: features on the executors, the head on the driver (or MLlib).",
        description = {"Runs the frozen backbone over the images of a split manifest (from `prepare`) or of a class-per-folder "
                + "tree on any Hadoop file system on the executors, writes the feature table (Parquet: path, label, split, "
                + "features, error), trains the head with the project's own trainer on the driver when the features fit in a "
                + "quarter of its heap (else with MLlib's multinomial logistic regression), and writes the same one-file "
                + "classifier and metrics.json as the local `train`.", ""})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class Input {
        @Option(names = "--split", paramLabel = "FILE", description = "Split manifest written by `prepare` (the local train's split).")
        Path split;

        @Option(names = "--data", paramLabel = "DIR|URI", description = "Class-per-folder tree (root/<class>/…, or root/train|val/<class>/…); "
                + "split here with prepare's seeded stratified rule.")
        String data;
    }

    @ArgGroup(multiplicity = "1")
    Input input;

    @Option(names = "--root", paramLabel = "URI", description = "Where the manifest's images are, when not at its recorded root "
            + "(e.g. hdfs:///datasets/caltech101).")
    String root;

    @Option(names = "--exclude", paramLabel = "NAME", description = "With --data: class folders to leave out (repeatable; default: "
            + DatasetSplit.CALTECH_BACKGROUND + ").")
    List<String> exclude = List.of(DatasetSplit.CALTECH_BACKGROUND);

    @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.2", description = "With --data: share of each class "
            + "for validation (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--split-seed", paramLabel = "N", defaultValue = "42", description = "With --data: seed of the split (default: ${DEFAULT-VALUE}).")
    long splitSeed;

    @Option(names = "--backbone", required = true, paramLabel = "FILE", description = "Backbone ONNX file on the driver (shipped to the executors).")
    Path backbone;

    @Option(names = "--backbone-name", paramLabel = "NAME", description = "Its name in the model's metadata (default: the known "
            + "backbone's name for a file with its SHA-256, as the local train records it, else the file name).")
    String backboneName;

    @Option(names = "--features", required = true, paramLabel = "DIR|URI", description = "Where the feature table (Parquet) goes; replaced.")
    String features;

    @Option(names = "--model", paramLabel = "FILE", defaultValue = "model/classifier-spark.onnx", description = "Where the classifier "
            + "goes (default: ${DEFAULT-VALUE}, beside the file `serve` uses, not over it).")
    Path model;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "results/spark", description = "Where metrics.json goes "
            + "(default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--recipe", paramLabel = "reference|default", defaultValue = "default", description = "Head recipe of the driver's "
            + "trainer, as in `image-classifier train` (default: ${DEFAULT-VALUE}).")
    String recipe;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of augmentation and head training (default: the split's).")
    Long seed;

    @Option(names = "--head", paramLabel = "auto|driver|mllib", defaultValue = "auto", description = "Who trains the head: the project's "
            + "trainer on the driver, MLlib on the executors, or auto (driver when the features take at most a quarter of its "
            + "heap; default: ${DEFAULT-VALUE}).")
    String head;

    @Option(names = "--reg-param", paramLabel = "X", defaultValue = "0.001", description = "MLlib: regularisation (default: ${DEFAULT-VALUE}).")
    double regParam;

    @Option(names = "--elastic-net", paramLabel = "A", defaultValue = "0", description = "MLlib: 0 = L2, 1 = L1 (default: ${DEFAULT-VALUE}).")
    double elasticNet;

    @Option(names = "--max-iter", paramLabel = "N", defaultValue = "100", description = "MLlib: L-BFGS iterations (default: ${DEFAULT-VALUE}).")
    int maxIter;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Images per backbone call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws Exception {
        BackboneFile file = BackboneFile.of(backbone);
        BackboneFile named = backboneName == null ? file : new BackboneFile(file.file(), backboneName, file.sha256(), null);
        TrainJob.Settings settings = new TrainJob.Settings(input.split, root, input.data, new LinkedHashSet<>(exclude), valFraction,
                splitSeed, named, TrainingRecipe.named(recipe), seed, TrainJob.HeadTrainerKind.valueOf(head.toUpperCase(Locale.ROOT)),
                new MllibHead(regParam, elasticNet, maxIter), features, model, results, batchSize);
        ProgressListener progress = new ProgressListener() { // the executors do the counting: the driver tells the steps
            @Override
            public Progress begin(String task, long total, long alreadyDone, String unit) {
                return Progress.NONE;
            }

            @Override
            public void note(String line) {
                spec.commandLine().getErr().println(line);
                spec.commandLine().getErr().flush();
            }
        };
        try (SparkOptions.Session session = sparkOptions.start("image-classifier train")) {
            TrainingResult r = TrainJob.run(session.spark(), settings, progress);
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "Trained on Spark (%s head, framing %s): val accuracy %.2f%% (top-5 %.2f%%, weighted F1 %.3f) on %d images, "
                            + "%d classes; features %.1f images/s, total %.1f s → %s, %s%n", r.headTrainer(), r.framing(),
                    100 * r.accuracy(), 100 * r.top5Accuracy(), r.f1Weighted(), r.valImages(), r.classes(), r.imagesPerSecond(),
                    r.totalSeconds(), r.model(), r.metrics());
        }
        return 0;
    }
}

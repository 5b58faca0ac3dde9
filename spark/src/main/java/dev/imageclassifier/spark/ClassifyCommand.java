package dev.imageclassifier.spark;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "classify", mixinStandardHelpOptions = true,
        header = "Classify every image under a path or glob on Spark; write one row per file.",
        description = {"Reads every file under INPUT (recursively; any Hadoop file system: a local path, file://, hdfs://, "
                + "s3a://, with globs; names starting with . or _ too), classifies it with the classifier file (loaded once per "
                + "executor JVM, images batched), and writes path, predicted_class, confidence, top_k (label, confidence) and "
                + "error per file. A file that is empty, cannot be read (a broken symbolic link) or is not a usable image gets "
                + "its error, never a failed job.", ""})
final class ClassifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", description = "Folder, file or glob of images.")
    String input;

    @Option(names = "--model", paramLabel = "FILE|URI", defaultValue = "${env:MODEL_PATH:-model/classifier.onnx}",
            description = "Classifier file made by `train`: a path on the driver or any Hadoop URI (shipped to executors "
                    + "with addFile), or local:/PATH for a file already on every node (env MODEL_PATH, default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Output folder (any Hadoop URI).")
    String output;

    @Option(names = "--format", paramLabel = "parquet|csv|json", defaultValue = "parquet",
            description = "Output format; CSV holds top_k as a JSON array (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--top-k", paramLabel = "N", defaultValue = "5", description = "Labels in top_k (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16", description = "Images per model call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--images-per-task", paramLabel = "N", defaultValue = "1024",
            description = "About how many images one Spark task reads (default: ${DEFAULT-VALUE}).")
    int imagesPerTask;

    @Option(names = "--pattern", paramLabel = "GLOB", description = "Only files whose name matches, e.g. '*.jpg'.")
    String pattern;

    @Option(names = "--overwrite", description = "Replace the output folder if it exists.")
    boolean overwrite;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws IOException {
        if (topK < 1 || batchSize < 1 || imagesPerTask < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--top-k, --batch-size and --images-per-task must be positive");
        }
        ClassifyJob.Settings settings = new ClassifyJob.Settings(input, model, output, ClassifyJob.format(format), topK, batchSize,
                imagesPerTask, pattern, overwrite);
        try (SparkOptions.Session session = sparkOptions.start("image-classifier classify")) {
            spec.commandLine().getErr().printf(Locale.ROOT, "Spark %s (%s) ready %.1f s after start%n", session.spark().version(),
                    session.spark().sparkContext().master(), session.startupSeconds());
            ClassifyJob.Summary summary;
            try {
                summary = ClassifyJob.run(session.spark(), settings);
            } catch (ClassifyJob.OutputExistsException e) {
                throw new OutputExists(e.getMessage() + "; --overwrite replaces it");
            }
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "Classified %d files (%d errors) in %d tasks: %.1f s, %.1f images/s → %s (%s)%n", summary.images(),
                    summary.errors(), summary.partitions(), summary.seconds(), summary.imagesPerSecond(), output,
                    settings.format().name().toLowerCase(Locale.ROOT));
        }
        return 0;
    }

    /** The output folder exists: the one-line error names the flag that replaces it. */
    static final class OutputExists extends RuntimeException {
        OutputExists(String message) {
            super(message, null, false, false);
        }
    }
}

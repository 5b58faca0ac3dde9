package dev.imageclassifier.spark;

import dev.imageclassifier.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The Spark jobs' entry point: {@code spark-submit --class dev.imageclassifier.spark.SparkMain
 * image-classifier-spark.jar classify|train …}, or {@code ./image-classifier-spark …} on embedded Spark.
 */
@Command(name = "image-classifier-spark", mixinStandardHelpOptions = true, versionProvider = SparkMain.Versions.class,
        subcommands = {ClassifyCommand.class, TrainCommand.class, BenchCommand.class},
        header = "Batch classification and training on Apache Spark.",
        description = {"The same classifier files as image-classifier, on a Spark cluster (spark-submit) or on embedded "
                + "Spark on this machine (--master local[*], the default outside spark-submit).", ""})
public final class SparkMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code --version}: this project's, ONNX Runtime's and Java's versions. */
    static final class Versions implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"image-classifier-spark " + Version.library(), "ONNX Runtime " + Version.onnxRuntime(),
                    "Java " + System.getProperty("java.version")};
        }
    }

    public static void main(String[] args) {
        int code = execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a command line and returns its exit code: 0, 1 (failure, one line on stderr) or 2 (usage). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new SparkMain());
        cli.setExecutionExceptionHandler((error, commandLine, parsed) -> {
            commandLine.getErr().println("error: " + message(error));
            if (System.getenv("IMAGE_CLASSIFIER_DEBUG") != null) {
                error.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    /** The root cause's message: Spark wraps executor failures several layers deep. */
    private static String message(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}

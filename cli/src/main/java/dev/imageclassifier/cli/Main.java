package dev.imageclassifier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point: {@code java -jar image-classifier.jar <command> ...}. */
@Command(name = "image-classifier",
        mixinStandardHelpOptions = true,
        versionProvider = ProjectVersion.class,
        description = {
                "Transfer-learning image classification: prepare a class-per-folder dataset, train a softmax head on "
                        + "frozen ImageNet backbone features, evaluate it, and serve it over REST. Models are ONNX files "
                        + "run by ONNX Runtime; the trained classifier is one self-describing .onnx file.",
                ""},
        subcommands = {
                PrepareCommand.class,
                TrainCommand.class,
                AuditCommand.class,
                EvaluateCommand.class,
                PredictCommand.class,
                ServeCommand.class,
                BenchCommand.class,
                QuantizeCommand.class,
                RunCommand.class,
                CommandLine.HelpCommand.class,
        },
        footer = {"", "Run `image-classifier <command> --help` for the options of a command.",
                "Environment variables are listed with the options they set (e.g. API_PORT, MODEL_PATH)."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests to run commands in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(new OneLineErrors())
                .setParameterExceptionHandler(new UsageErrors())
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

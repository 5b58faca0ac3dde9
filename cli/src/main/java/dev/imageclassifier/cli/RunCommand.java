package dev.imageclassifier.cli;

import picocli.CommandLine;
import dev.imageclassifier.serve.ServeSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The whole pipeline as one command, by running the other commands in order. */
@Command(name = "run", mixinStandardHelpOptions = true,
        header = "The full pipeline: download if needed → prepare → train → evaluate → serve.",
        description = {
                "The full pipeline, as the reference FastAPI/PyTorch service ran it: download Caltech-101 into <out> if no "
                        + "--data is given (from CaltechDATA, or env CALTECH101_URL; skipped when already there), prepare the split, train (default backbone: a pretrained ResNet-50, downloaded once), "
                        + "evaluate the classifier file, then serve it. Each step is the command of the same name; the run "
                        + "stops at the first failure.",
                ""})
final class RunCommand implements Callable<Integer> {

    @Mixin
    PreprocessingMixin preprocessing;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:DATA_DIR}",
            description = "Existing class-per-folder dataset (env DATA_DIR); without it Caltech-101 is downloaded.")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "data",
            description = "Where split.csv (and a downloaded Caltech-101) go, as `prepare --out` (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    SharedOptions.BackboneSource backbone;

    @Option(names = "--recipe", paramLabel = "reference|default", defaultValue = "default",
            description = "Head training recipe (default: ${DEFAULT-VALUE}).")
    String recipe;

    @Mixin
    SharedOptions.ModelFile model;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "${env:RESULTS_DIR:-" + SharedOptions.RESULTS_DIR + "}",
            description = "Where metrics.json goes (env RESULTS_DIR, default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--port", paramLabel = "N", defaultValue = "${env:API_PORT:-" + ServeSettings.DEFAULT_PORT + "}", description = "Port to serve on (env API_PORT, default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--no-serve", description = "Stop after evaluation instead of serving the model.")
    boolean noServe;

    @Override
    public Integer call() {
        List<String> prepare = new ArrayList<>(List.of("prepare", "--out", out.toString()));
        if (data != null) {
            prepare.addAll(List.of("--data", data.toString()));
        }
        List<String> train = new ArrayList<>(List.of("train", "--split", out.resolve("split.csv").toString(),
                "--backbone", backbone.backbone, "--recipe", recipe, "--model", model.path.toString(), "--results", results.toString()));
        if (backbone.cacheDir != null) {
            train.addAll(List.of("--cache-dir", backbone.cacheDir.toString()));
        }
        if (backbone.offline) {
            prepare.add("--offline");
            train.add("--offline");
        }
        List<List<String>> steps = new ArrayList<>(List.of(prepare, train,
                List.of("evaluate", "--model", model.path.toString(), "--split", out.resolve("split.csv").toString(),
                        "--results", results.resolve("evaluation").toString(), "--no-progress")));
        if (!noServe) {
            steps.add(List.of("serve", "--model", model.path.toString(), "--port", Integer.toString(port)));
        }
        CommandLine root = spec.root().commandLine();
        for (List<String> step : steps) {
            root.getErr().println("== " + String.join(" ", step));
            root.getErr().flush();
            int code = root.execute(step.toArray(String[]::new));
            if (code != 0) {
                return code;
            }
        }
        return 0;
    }
}

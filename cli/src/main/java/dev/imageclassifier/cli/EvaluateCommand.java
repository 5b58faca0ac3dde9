package dev.imageclassifier.cli;

import dev.imageclassifier.ClassifierOptions;
import dev.imageclassifier.DatasetSplit;
import dev.imageclassifier.EvaluationResult;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        header = "Recompute the metrics of a classifier file on the split's validation images.",
        description = {
                "Recompute the metrics of an existing classifier file on the validation images of a split manifest, "
                        + "running the file itself through ONNX Runtime, and write <results>/metrics.json and a visual report, "
                        + "<results>/report.html (one self-contained page: metrics, confusions, misclassified images with heatmaps).",
                ""})
final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    PreprocessingMixin preprocessing;

    @Spec
    CommandSpec spec;

    @Mixin
    SharedOptions.ModelFile model;

    @Mixin
    SharedOptions.SplitFile split;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "${env:RESULTS_DIR:-" + SharedOptions.RESULTS_DIR + "}/evaluation",
            description = "Where metrics.json goes; by default beside, not over, the training's results "
                    + "(env RESULTS_DIR + /evaluation, default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--audit", paramLabel = "AUDIT_JSON", defaultValue = "${env:AUDIT_JSON}",
            description = "Also show what `audit` found in the dataset (its audit.json) as a section of report.html (env AUDIT_JSON).")
    Path audit;

    @Option(names = "--training-metrics", paramLabel = "FILE", defaultValue = "${env:RESULTS_DIR:-" + SharedOptions.RESULTS_DIR + "}/metrics.json",
            description = "The metrics.json written when the model was trained: report.html shows its training curves when it "
                    + "is this model's (same run id) (env RESULTS_DIR + /metrics.json, default: ${DEFAULT-VALUE}).")
    Path trainingMetrics;

    @Option(names = "--tta", description = "Flip test-time augmentation: average the probabilities of each image and its "
            + "mirror image (twice the inference work; the classifier file itself stays single-view).")
    boolean tta;

    @Mixin
    SharedOptions.NoProgress noProgress;

    @Mixin
    SharedOptions.Inference inference;

    @Override
    public Integer call() throws Exception {
        DatasetSplit data = DatasetSplit.read(split.path);
        ClassifierOptions options = ClassifierOptions.builder().threads(inference.threads).device(inference.device)
                .flipAveraging(tta).build();
        try (ImageClassifier classifier = ImageClassifier.load(model.path, options)) {
            EvaluationResult out;
            try (Progress progress = ConsoleProgress.onStderr(spec.commandLine().getErr(), noProgress.set)
                    .begin("Evaluate", data.valImages(), "img")) {
                out = classifier.evaluate(data, progress);
            }
            out.skipped().stream().limit(5).forEach(f -> spec.commandLine().getErr().printf("warning: skipped %s: %s%n", f.path(), f.reason()));
            out.writeMetrics(results.resolve("metrics.json"),
                    tta ? "evaluate --tta (centre + mirrored centre, probabilities averaged)" : "evaluate");
            if (audit != null) {
                out.writeReport(results.resolve("report.html"), trainingMetrics, audit);
            } else {
                out.writeReport(results.resolve("report.html"), trainingMetrics);
            }
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "Evaluated %s%s on %d validation images: accuracy %.2f%%, top-5 %.2f%%, weighted F1 %.3f (%.0f img/s) → %s, %s%n",
                    model.path, tta ? " with flip TTA" : "", out.images(), 100 * out.accuracy(), 100 * out.top5Accuracy(),
                    out.f1Weighted(), out.imagesPerSecond(), results.resolve("metrics.json"), results.resolve("report.html"));
            return out.skipped().isEmpty() ? 0 : 1;
        }
    }
}

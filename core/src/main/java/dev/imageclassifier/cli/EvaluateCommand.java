package dev.imageclassifier.cli;

import dev.imageclassifier.ClassifierOptions;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.io.Progress;
import dev.imageclassifier.model.ModelMetadata;
import dev.imageclassifier.report.VisualReport;
import dev.imageclassifier.train.Evaluation;
import dev.imageclassifier.train.EvaluationReport;
import dev.imageclassifier.train.Metrics;
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
        long start = System.nanoTime();
        SplitManifest manifest = SplitManifest.read(split.path);
        ClassifierOptions options = ClassifierOptions.builder().threads(inference.threads).device(inference.device)
                .flipAveraging(tta).build();
        try (ImageClassifier classifier = ImageClassifier.load(model.path, options)) {
            Evaluation.Result out;
            int images = manifest.subset(Subset.VAL).size();
            try (Progress progress = noProgress.set ? Progress.NONE : Progress.bar("Evaluate", images, "img")) {
                out = Evaluation.of(classifier, manifest, progress);
            }
            out.skipped().stream().limit(5).forEach(f -> spec.commandLine().getErr().printf("warning: skipped %s: %s%n", f.path(), f.reason()));
            Metrics metrics = out.metrics();
            ModelMetadata metadata = classifier.metadata();
            EvaluationReport report = new EvaluationReport(metrics.report(),
                    tta ? "evaluate --tta (centre + mirrored centre, probabilities averaged)" : "evaluate", model.path.toString(),
                    new EvaluationReport.Backbone(metadata.backboneName(), metadata.backboneSha256()),
                    new EvaluationReport.Split(split.path.toString(), manifest.fingerprint(), metrics.report().valImages(),
                            out.skipped().size()),
                    new EvaluationReport.Timings(out.imagesPerSecond(), (System.nanoTime() - start) / 1e9));
            AtomicFiles.write(results.resolve("metrics.json"), Json.pretty(report));
            VisualReport.write(classifier, model.path.toString(), out, trainingMetrics, results.resolve("report.html"));
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "Evaluated %s%s on %d validation images: accuracy %.2f%%, top-5 %.2f%%, weighted F1 %.3f (%.0f img/s) → %s, %s%n",
                    model.path, tta ? " with flip TTA" : "", metrics.report().valImages(), 100 * metrics.accuracy(),
                    100 * metrics.top5Accuracy(), metrics.f1Weighted(), out.imagesPerSecond(), results.resolve("metrics.json"),
                    results.resolve("report.html"));
            return out.skipped().isEmpty() ? 0 : 1;
        }
    }
}

package dev.imageclassifier.cli;

import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.io.Progress;
import dev.imageclassifier.model.Classifier;
import dev.imageclassifier.train.FeatureCache;
import dev.imageclassifier.train.FeatureExtractor;
import dev.imageclassifier.train.Metrics;
import dev.imageclassifier.train.View;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        header = "Recompute the metrics of a classifier file on the split's validation images.",
        description = {
                "Recompute the metrics of an existing classifier file on the validation images of a split manifest, "
                        + "running the file itself through ONNX Runtime, and write <results>/metrics.json.",
                ""})
final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    PreprocessingMixin preprocessing;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", defaultValue = "${env:MODEL_PATH:-model/classifier.onnx}",
            description = "Classifier file (env MODEL_PATH, default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--split", paramLabel = "FILE", defaultValue = "${env:SPLIT_PATH:-data/split.csv}",
            description = "Split manifest (env SPLIT_PATH, default: ${DEFAULT-VALUE}).")
    Path split;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "${env:RESULTS_DIR:-results}/evaluation",
            description = "Where metrics.json goes; by default beside, not over, the training's results "
                    + "(env RESULTS_DIR + /evaluation, default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--tta", description = "Flip test-time augmentation: average the probabilities of each image and its "
            + "mirror image (twice the inference work; the classifier file itself stays single-view).")
    boolean tta;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Mixin
    RuntimeMixin runtime;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        SplitManifest manifest = SplitManifest.read(split);
        List<LabeledImage> val = manifest.subset(Subset.VAL);
        try (Classifier classifier = Classifier.load(model, runtime.options().singleThreadedRuns())) {
            List<String> labels = classifier.labels();
            List<Path> files = new ArrayList<>();
            List<Integer> truth = new ArrayList<>();
            for (LabeledImage image : val) {
                int index = labels.indexOf(image.label());
                if (index < 0) {
                    throw new IllegalArgumentException("class '" + image.label() + "' of the split is not among the model's "
                            + labels.size() + " labels: this model was trained on another dataset");
                }
                files.add(manifest.resolve(image));
                truth.add(index);
            }
            FeatureExtractor runner = new FeatureExtractor(classifier.onnx(), classifier.metadata().preprocessing(),
                    FeatureCache.disabled(), Runtime.getRuntime().availableProcessors(), runtime.options().parallelRuns(), 32);
            FeatureExtractor.Result out;
            try (Progress progress = noProgress ? Progress.NONE : Progress.bar("Evaluate", files.size(), "img")) {
                List<View> views = tta ? List.of(View.CENTER, View.CENTER_FLIP) : List.of(View.CENTER);
                out = runner.extract(files, i -> views, progress);
            }
            List<float[]> probabilities = new ArrayList<>();
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                float[][] views = out.features()[i];
                if (views != null) {
                    probabilities.add(average(views));
                    kept.add(truth.get(i));
                }
            }
            out.failures().stream().limit(5).forEach(f -> spec.commandLine().getErr().printf("warning: skipped %s: %s%n", f.path(), f.reason()));
            Metrics metrics = Metrics.of(labels, kept.stream().mapToInt(Integer::intValue).toArray(), probabilities.toArray(float[][]::new));
            Map<String, Object> report = new LinkedHashMap<>(metrics.toMap());
            report.put("source", tta ? "evaluate --tta (centre + mirrored centre, probabilities averaged)" : "evaluate");
            report.put("model", model.toString());
            report.put("backbone", Map.of("name", classifier.metadata().backboneName(), "sha256", classifier.metadata().backboneSha256()));
            report.put("split", Map.of("manifest", split.toString(), "fingerprint", manifest.fingerprint(),
                    "val_images", kept.size(), "skipped_images", out.failures().size()));
            report.put("timings", Map.of("images_per_second", out.seconds() > 0 ? kept.size() / out.seconds() : 0,
                    "total_seconds", (System.nanoTime() - start) / 1e9));
            AtomicFiles.write(results.resolve("metrics.json"), Json.pretty(report));
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "Evaluated %s%s on %d validation images: accuracy %.2f%%, top-5 %.2f%%, weighted F1 %.3f (%.0f img/s) → %s%n",
                    model, tta ? " with flip TTA" : "", kept.size(), 100 * metrics.accuracy(), 100 * metrics.top5Accuracy(), metrics.f1Weighted(),
                    kept.size() / out.seconds(), results.resolve("metrics.json"));
            return out.failures().isEmpty() ? 0 : 1;
        }
    }

    private static float[] average(float[][] rows) {
        float[] mean = rows[0].clone();
        for (int r = 1; r < rows.length; r++) {
            for (int c = 0; c < mean.length; c++) {
                mean[c] += rows[r][c];
            }
        }
        for (int c = 0; c < mean.length; c++) {
            mean[c] /= rows.length;
        }
        return mean;
    }
}

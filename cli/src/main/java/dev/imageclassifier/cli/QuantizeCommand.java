package dev.imageclassifier.cli;

import dev.imageclassifier.DatasetSplit;
import dev.imageclassifier.Int8Quantizer;
import dev.imageclassifier.ProgressListener;
import dev.imageclassifier.QuantizedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "quantize", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        header = "Quantize a float classifier to int8 (static, QDQ), with an accuracy guard.",
        description = {
                "Static post-training quantization of a float classifier file: activation ranges are calibrated on "
                        + "training images of the split (stratified, seeded), weights become int8 per output channel "
                        + "(symmetric), activations uint8, and the graph is written as QuantizeLinear/DequantizeLinear pairs "
                        + "that ONNX Runtime fuses into its int8 kernels (QLinearConv, QLinearAdd, ...). The trained head "
                        + "stays float unless --quantize-head.",
                "Float and int8 are then evaluated on the validation images (top-1, agreement) and timed in ONNX Runtime "
                        + "alone. The int8 file and <results>/quantization.json are written only when top-1 falls by at "
                        + "most --max-drop points (or with --force); the same facts go into the file's metadata (GET /model).",
                ""},
        footer = {"", "Examples:",
                "  image-classifier quantize --model model/classifier-float.onnx --out model/classifier-int8.onnx",
                "  image-classifier quantize --model m.onnx --split data/split.csv --out m-int8.onnx --method percentile"})
final class QuantizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SharedOptions.ModelFile model;

    @Mixin
    SharedOptions.SplitFile split;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where the int8 classifier goes.")
    Path out;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "${env:RESULTS_DIR:-" + SharedOptions.RESULTS_DIR + "}",
            description = "Where quantization.json goes (env RESULTS_DIR, default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--calibration", paramLabel = "N", defaultValue = "" + Int8Quantizer.DEFAULT_CALIBRATION_IMAGES,
            description = "Training images to calibrate on, stratified by class and seeded (default: ${DEFAULT-VALUE}).")
    int calibration;

    @Option(names = "--method", paramLabel = "minmax|percentile|entropy", defaultValue = "percentile",
            description = "How activation ranges are chosen: minmax (smallest and largest value seen), percentile (all but "
                    + "the largest 0.001 %% of magnitudes) or entropy (the clipping threshold with the least KL divergence) "
                    + "(default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--max-drop", paramLabel = "POINTS", defaultValue = "1.0",
            description = "Refuse to write the int8 file when validation top-1 falls by more than this many percentage "
                    + "points (default: ${DEFAULT-VALUE}).")
    double maxDrop;

    @Option(names = "--force", description = "Write the int8 file even when top-1 falls by more than --max-drop.")
    boolean force;

    @Option(names = "--seed", description = "Seed for choosing the calibration images (default: the split's seed).")
    Long seed;

    @Option(names = "--quantize-head", description = "Quantize the trained head too (it stays float by default: it costs "
            + "nothing in speed and its int8 logits only cost agreement).")
    boolean quantizeHead;

    @Option(names = "--speed-s", paramLabel = "SECONDS", defaultValue = "3",
            description = "Seconds each speed measurement runs (ONNX Runtime alone; default: ${DEFAULT-VALUE}).")
    double speedSeconds;

    @Mixin
    SharedOptions.NoProgress noProgress;

    @Mixin
    SharedOptions.Inference inference;

    @Override
    public Integer call() throws Exception {
        if (calibration < 1) {
            throw new ParameterException(spec.commandLine(), "--calibration must be at least 1");
        }
        Int8Quantizer.Builder quantizer = Int8Quantizer.builder().calibrationImages(calibration).maxDropPoints(maxDrop)
                .quantizeHead(quantizeHead).speedRun(Duration.ofMillis(Math.round(speedSeconds * 1000)))
                .threads(inference.threads).device(inference.device)
                .progress(ConsoleProgress.onStderr(spec.commandLine().getErr(), noProgress.set));
        try {
            quantizer.calibrationMethod(method);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--method must be minmax, percentile or entropy, not '" + method + "'");
        }
        if (seed != null) {
            quantizer.seed(seed);
        }
        return quantize(quantizer.build(), model.path, DatasetSplit.read(split.path), out, results, force, spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    /**
     * {@code train --quantize int8}: the freshly trained classifier, quantized with the default settings (speed runs
     * of one second) into {@code <model>-int8.onnx} and {@code <results>/quantization.json}, calibrated on the split.
     */
    static int afterTraining(Path model, DatasetSplit split, Path results, SharedOptions.Inference inference, ProgressListener progress,
                             PrintWriter console, PrintWriter err) throws Exception {
        Int8Quantizer quantizer = Int8Quantizer.builder().speedRun(Duration.ofSeconds(1)).threads(inference.threads)
                .device(inference.device).progress(progress).build();
        return quantize(quantizer, model, split, int8Beside(model), results, false, console, err);
    }

    /** {@code model/classifier.onnx} → {@code model/classifier-int8.onnx}. */
    static Path int8Beside(Path model) {
        String name = model.getFileName().toString();
        return model.resolveSibling((name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name) + "-int8.onnx");
    }

    /**
     * Quantizes {@code model} into {@code out} and {@code results/quantization.json}, or refuses when top-1 falls by
     * more than the settings allow (unless {@code force}); prints the figures. Returns the exit code: also the step
     * {@code train --quantize int8} runs after training.
     */
    static int quantize(Int8Quantizer quantizer, Path model, DatasetSplit split, Path out, Path results, boolean force,
                        PrintWriter console, PrintWriter err) throws Exception {
        QuantizedModel result = quantizer.quantize(model, split);
        String figures = String.format(Locale.ROOT, "float top-1 %.2f%%, int8 top-1 %.2f%% (%+.2f points), agreement %.2f%%, "
                        + "%.1f → %.1f img/s in ONNX Runtime alone (%.2f×)",
                100 * result.floatTop1(), 100 * result.int8Top1(), 100 * (result.int8Top1() - result.floatTop1()), 100 * result.agreement(),
                result.floatImagesPerSecond(), result.int8ImagesPerSecond(), result.speedup());
        if (!result.withinMaxDrop() && !force) {
            err.printf(Locale.ROOT, "error: refused to write %s: top-1 fell by %.2f points, more than --max-drop %.2f: %s. "
                    + "Try another --method, more --calibration images, or --force.%n", out, result.dropPoints(),
                    result.maxDropPoints(), figures);
            return 1;
        }
        result.write(out, results);
        console.printf(Locale.ROOT, "Quantized %s → %s: %s%s; → %s%n", model, out, figures,
                result.withinMaxDrop() ? "" : " (over --max-drop, written because of --force)", results.resolve(QuantizedModel.REPORT_FILE));
        return 0;
    }
}

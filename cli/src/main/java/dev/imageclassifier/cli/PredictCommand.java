package dev.imageclassifier.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.imageclassifier.ClassifierOptions;
import dev.imageclassifier.Explanation;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.Prediction;
import dev.imageclassifier.ScoredLabel;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.InvalidImageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "predict", mixinStandardHelpOptions = true,
        header = "Classify image files and print the top-k labels of each.",
        description = {"Classify image files with a trained classifier and print the top-k labels of each "
                + "(or one JSON object per image with --json). Exit code 1 when any file could not be read.", ""})
final class PredictCommand implements Callable<Integer> {

    @Mixin
    PreprocessingMixin preprocessing;

    @Spec
    CommandSpec spec;

    @Mixin
    SharedOptions.ModelFile model;

    @Option(names = "--top-k", paramLabel = "N", defaultValue = "5", description = "Labels per image (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--json", description = "One JSON object per image instead of text.")
    boolean json;

    @Option(names = "--explain", paramLabel = "OUT_DIR",
            description = "Also write, per image, OUT_DIR/<name>-heatmap.png: the image with the class activation map of "
                    + "its top class over it (where the evidence for the answer lies).")
    Path explainDir;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files (JPEG, PNG, GIF, BMP, WebP, TIFF).")
    List<Path> images;

    @Mixin
    SharedOptions.Inference inference;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        ClassifierOptions options = ClassifierOptions.builder().threads(inference.threads).device(inference.device).build();
        HeatmapFiles heatmaps = explainDir == null ? null : HeatmapFiles.in(explainDir, spec);
        try (ImageClassifier classifier = ImageClassifier.load(model.path, options)) {
            for (Path image : images) {
                try {
                    if (Files.isDirectory(image)) {
                        err.printf(Locale.ROOT, "%s: error: a folder, not an image (give its files, e.g. %s)%n", image,
                                image.resolve("*.jpg"));
                        failed++;
                        continue;
                    }
                    if (heatmaps == null) {
                        out.println(format(image, classifier.classify(image), null));
                        continue;
                    }
                    byte[] bytes = Files.readAllBytes(image);
                    Explanation explanation = classifier.explain(bytes, null);
                    Path written = heatmaps.write(image, classifier.heatmapPng(bytes, explanation));
                    out.println(format(image, explanation.prediction(), written));
                } catch (InvalidImageException | IOException e) {
                    err.printf(Locale.ROOT, "%s: error: %s%n", image, reason(e));
                    failed++;
                }
            }
        }
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private String format(Path image, Prediction prediction, Path heatmap) {
        List<ScoredLabel> top = prediction.top(Math.max(1, topK));
        if (json) {
            return Json.compact(new Line(image.toString(), prediction.label(), prediction.confidence(), top,
                    heatmap == null ? null : heatmap.toString()));
        }
        StringBuilder line = new StringBuilder(image.toString()).append(':');
        top.forEach(t -> line.append(String.format(Locale.ROOT, " %s %.2f%%", t.label(), 100 * t.confidence())));
        if (heatmap != null) {
            line.append(" (heatmap: ").append(heatmap).append(')');
        }
        return line.toString();
    }

    /** One line of {@code --json}: the server's field names, with the file (and its heatmap with --explain). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Line(String file, @JsonProperty("predicted_class") String predictedClass, float confidence,
                List<ScoredLabel> predictions, String heatmap) {
    }

    /** What went wrong with one file, in words (the exception of a missing file is just its name). */
    private static String reason(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "file not found";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return Advice.describe(e);
    }
}

package dev.imageclassifier.cli;

import dev.imageclassifier.io.Json;
import dev.imageclassifier.model.Classifier;
import dev.imageclassifier.model.TensorBatch;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.InvalidImageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    @Option(names = "--model", paramLabel = "FILE", defaultValue = "${env:MODEL_PATH:-model/classifier.onnx}",
            description = "Classifier file (env MODEL_PATH, default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--top-k", paramLabel = "N", defaultValue = "5", description = "Labels per image (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--json", description = "One JSON object per image instead of text.")
    boolean json;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files (JPEG, PNG, GIF, BMP, WebP, TIFF).")
    List<Path> images;

    @Mixin
    RuntimeMixin runtime;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ImageDecoder decoder = new ImageDecoder();
        int failed = 0;
        try (Classifier classifier = Classifier.load(model, runtime.options())) {
            TensorBatch batch = classifier.newBatch(1);
            for (Path image : images) {
                float[] probabilities;
                try {
                    batch.clear();
                    batch.add(decoder.tensor(Files.readAllBytes(image), classifier.preprocessor()));
                    probabilities = classifier.probabilities(batch)[0];
                } catch (InvalidImageException | IOException e) {
                    err.printf(Locale.ROOT, "%s: error: %s%n", image, e.getMessage());
                    failed++;
                    continue;
                }
                List<Classifier.ScoredLabel> top = classifier.top(probabilities, Math.max(1, topK));
                if (json) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("file", image.toString());
                    row.put("predicted_class", top.get(0).label());
                    row.put("confidence", top.get(0).confidence());
                    List<Map<String, Object>> predictions = new ArrayList<>();
                    top.forEach(t -> predictions.add(Map.of("label", t.label(), "confidence", t.confidence())));
                    row.put("predictions", predictions);
                    out.println(Json.compact(row));
                } else {
                    StringBuilder line = new StringBuilder(image.toString()).append(':');
                    for (Classifier.ScoredLabel t : top) {
                        line.append(String.format(Locale.ROOT, " %s %.2f%%", t.label(), 100 * t.confidence()));
                    }
                    out.println(line);
                }
            }
        }
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}

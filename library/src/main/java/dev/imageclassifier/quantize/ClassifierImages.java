package dev.imageclassifier.quantize;

import dev.imageclassifier.ClassifierOptions;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.Prediction;
import dev.imageclassifier.Progress;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.vision.Preprocessing;
import dev.imageclassifier.vision.Preprocessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The quantizer's contact with image files: calibration images decoded and preprocessed into model input
 * rows, and the top-1 answer of a classifier file on each validation image, through the library's
 * {@link ImageClassifier} (what a user of the file gets).
 */
final class ClassifierImages {

    /** Images decoded at once for calibration: bounds memory (a 224² row is 0.6 MB) while every core decodes. */
    private static final int CHUNK = 32;

    private ClassifierImages() {
    }

    /** Model input rows of the images that decode; each image that does not is added to {@code failures}. */
    static List<float[]> tensors(List<Path> images, Preprocessing preprocessing, List<String> failures) {
        Preprocessor preprocessor = new Preprocessor(preprocessing);
        ImageDecoder decoder = new ImageDecoder();
        List<float[]> rows = new ArrayList<>();
        for (int start = 0; start < images.size(); start += CHUNK) {
            List<Path> chunk = images.subList(start, Math.min(images.size(), start + CHUNK));
            chunk.parallelStream().map(path -> decode(decoder, preprocessor, path, failures)).toList()
                    .forEach(row -> row.ifPresent(rows::add));
        }
        return rows;
    }

    /** The label index the classifier gives each image, -1 for an image that cannot be read or decoded. */
    static int[] top1(Path classifier, List<Path> images, ClassifierOptions options, Progress progress) throws InvalidModelException {
        try (ImageClassifier model = ImageClassifier.load(classifier, options)) {
            List<CompletableFuture<Prediction>> pending = new ArrayList<>(images.size());
            for (Path image : images) {
                pending.add(submit(model, image).whenComplete((p, e) -> progress.step()));
            }
            int[] answers = new int[images.size()];
            for (int i = 0; i < answers.length; i++) {
                Prediction prediction = pending.get(i).join();
                answers[i] = prediction == null ? -1 : argmax(prediction.probabilities());
            }
            return answers;
        }
    }

    /** Completes with null when the image cannot be read or decoded. */
    private static CompletableFuture<Prediction> submit(ImageClassifier model, Path file) {
        try {
            return model.submit(Files.readAllBytes(file)).exceptionally(error -> {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof InvalidImageException) {
                    return null;
                }
                throw new CompletionException(cause);
            });
        } catch (IOException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static Optional<float[]> decode(ImageDecoder decoder, Preprocessor preprocessor, Path path, List<String> failures) {
        try {
            return Optional.of(decoder.decode(Files.readAllBytes(path), preprocessor::toTensor));
        } catch (InvalidImageException | IOException e) {
            synchronized (failures) {
                failures.add(path + ": " + e.getMessage());
            }
            return Optional.empty();
        }
    }
}

package dev.imageclassifier.train;

import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.Prediction;
import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;
import dev.imageclassifier.Progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A classifier file's metrics on the validation images of a split, computed by the file itself through
 * the library's {@link ImageClassifier}: what a user of the file will get, not what training believed.
 */
public final class Evaluation {

    /**
     * @param metrics over the images that could be classified
     * @param skipped  images that could not be read or decoded
     * @param mistakes the misclassified images, most confident first
     */
    public record Result(Metrics metrics, List<SkippedImage> skipped, double seconds, List<Mistake> mistakes) {

        public double imagesPerSecond() {
            return seconds > 0 ? metrics.report().valImages() / seconds : 0;
        }
    }

    /**
     * A validation image the model got wrong.
     *
     * @param file the image file on this machine
     * @param path the image as the split names it, relative to the dataset root (what a report may show)
     */
    public record Mistake(Path file, String truth, String predicted, float confidence, String path) {
    }

    private Evaluation() {
    }

    /** @throws IllegalArgumentException when the split has classes the model does not know */
    public static Result of(ImageClassifier classifier, SplitManifest split, Progress progress) {
        long start = System.nanoTime();
        List<String> labels = classifier.labels();
        List<LabeledImage> images = split.subset(Subset.VAL);
        List<CompletableFuture<Prediction>> pending = new ArrayList<>(images.size());
        List<SkippedImage> skipped = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < images.size(); i++) {
            LabeledImage image = images.get(i);
            if (!labels.contains(image.label())) {
                throw new IllegalArgumentException("class '" + image.label() + "' of the split is not among the model's "
                        + labels.size() + " labels: this model was trained on another dataset");
            }
            pending.add(submit(classifier, split.resolve(image), i, skipped).whenComplete((p, e) -> progress.step()));
        }
        List<float[]> probabilities = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        List<Mistake> mistakes = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Prediction prediction = pending.get(i).join();
            if (prediction != null) {
                probabilities.add(prediction.probabilities());
                truth.add(labels.indexOf(images.get(i).label()));
                if (!prediction.label().equals(images.get(i).label())) {
                    mistakes.add(new Mistake(split.resolve(images.get(i)), images.get(i).label(), prediction.label(),
                            prediction.confidence(), images.get(i).path()));
                }
            }
        }
        mistakes.sort(Comparator.comparingDouble((Mistake m) -> m.confidence()).reversed());
        Metrics metrics = Metrics.of(labels, truth.stream().mapToInt(Integer::intValue).toArray(),
                probabilities.toArray(float[][]::new));
        List<SkippedImage> sorted = new ArrayList<>(skipped);
        sorted.sort(Comparator.comparingInt(SkippedImage::index));
        return new Result(metrics, sorted, (System.nanoTime() - start) / 1e9, mistakes);
    }

    /** One image on its way; completes with null (and a skipped entry) when it cannot be read or decoded. */
    private static CompletableFuture<Prediction> submit(ImageClassifier classifier, Path file, int index,
                                                        List<SkippedImage> skipped) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            skipped.add(new SkippedImage(index, file, "unreadable: " + e.getMessage()));
            return CompletableFuture.completedFuture(null);
        }
        return classifier.submit(bytes).exceptionally(error -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (!(cause instanceof dev.imageclassifier.InvalidImageException)) {
                throw new CompletionException(cause);
            }
            skipped.add(new SkippedImage(index, file, cause.getMessage()));
            return null;
        });
    }
}

package dev.imageclassifier.bench;

import dev.imageclassifier.model.Classifier;
import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.model.TensorBatch;
import dev.imageclassifier.vision.ImageDecoder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * ONNX Runtime alone, in this process, with the server's runtime options: the ceiling the server is
 * measured against. On a shared machine whose speed drifts, "the server reached 95% of what the model
 * alone did a minute earlier" says more than a bare requests/s figure.
 *
 * @param batch1Millis   median milliseconds for one image at batch size 1
 * @param imagesPerSecond images per second at {@code batchSize}
 */
public record OrtReference(double batch1Millis, int batchSize, double imagesPerSecond) {

    /** Runs one preprocessed copy of {@code image} at batch size 1, then at {@code batchSize}, each for {@code duration}. */
    public static OrtReference measure(Path model, byte[] image, int batchSize, Duration duration) throws Exception {
        try (Classifier classifier = Classifier.load(model, RuntimeOptions.defaults().withoutMemoryArena())) {
            float[] row = new ImageDecoder().tensor(image, classifier.preprocessor());
            TensorBatch one = classifier.newBatch(1);
            one.add(row);
            TensorBatch many = classifier.newBatch(batchSize);
            while (!many.isFull()) {
                many.add(row);
            }
            classifier.probabilities(one); // first-run set-up
            classifier.probabilities(many);
            long[] single = time(classifier, one, duration);
            long[] batched = time(classifier, many, duration);
            Arrays.sort(single);
            double batchedSeconds = Arrays.stream(batched).sum() / 1e9;
            return new OrtReference(single[single.length / 2] / 1e6, batchSize, batched.length * batchSize / batchedSeconds);
        }
    }

    private static long[] time(Classifier classifier, TensorBatch batch, Duration duration) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        long[] runs = new long[16];
        int n = 0;
        do {
            long start = System.nanoTime();
            classifier.probabilities(batch);
            if (n == runs.length) {
                runs = Arrays.copyOf(runs, n * 2);
            }
            runs[n++] = System.nanoTime() - start;
        } while (System.nanoTime() < end);
        return Arrays.copyOf(runs, n);
    }
}

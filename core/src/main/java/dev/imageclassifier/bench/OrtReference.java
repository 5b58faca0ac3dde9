package dev.imageclassifier.bench;

import dev.imageclassifier.ClassifierOptions;
import dev.imageclassifier.inference.TensorBatch;
import dev.imageclassifier.model.ClassifierModel;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.Preprocessing;
import dev.imageclassifier.vision.Preprocessor;

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
        // The server's own model and runtime settings, without the HTTP, decoding and batching around them.
        try (ClassifierModel classifier = ClassifierModel.load(model, ClassifierOptions.defaults().runtime())) {
            Preprocessing preprocessing = classifier.metadata().preprocessing();
            float[] row = new ImageDecoder().decode(image, new Preprocessor(preprocessing)::toTensor);
            TensorBatch one = TensorBatch.repeated(row, 1, preprocessing.rowShape());
            TensorBatch many = TensorBatch.repeated(row, batchSize, preprocessing.rowShape());
            classifier.run(one); // first-run set-up
            classifier.run(many);
            long[] single = time(classifier, one, duration);
            long[] batched = time(classifier, many, duration);
            Arrays.sort(single);
            double batchedSeconds = Arrays.stream(batched).sum() / 1e9;
            return new OrtReference(single[single.length / 2] / 1e6, batchSize, batched.length * batchSize / batchedSeconds);
        }
    }

    private static long[] time(ClassifierModel classifier, TensorBatch batch, Duration duration) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        long[] runs = new long[16];
        int n = 0;
        do {
            long start = System.nanoTime();
            classifier.run(batch);
            if (n == runs.length) {
                runs = Arrays.copyOf(runs, n * 2);
            }
            runs[n++] = System.nanoTime() - start;
        } while (System.nanoTime() < end);
        return Arrays.copyOf(runs, n);
    }
}

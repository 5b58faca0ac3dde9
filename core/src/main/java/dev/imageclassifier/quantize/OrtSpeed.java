package dev.imageclassifier.quantize;

import ai.onnxruntime.OrtException;
import dev.imageclassifier.model.Classifier;
import dev.imageclassifier.model.InvalidModelException;
import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.model.TensorBatch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Speed of classifier files in ONNX Runtime alone, on one ready input row: the median latency at batch
 * size 1 and images per second at batch size 8. The models take turns, round after round, and each keeps
 * its best round: on a shared machine whose speed drifts, the ratio of two models measured side by side
 * is what holds.
 *
 * @param batch1Millis    median milliseconds for one image alone
 * @param imagesPerSecond images per second at batch size {@link #BATCH}
 */
record OrtSpeed(double batch1Millis, double imagesPerSecond) {

    static final int BATCH = 8;

    static List<OrtSpeed> compare(List<Path> models, float[] row, RuntimeOptions options, Duration perRun, int rounds)
            throws InvalidModelException, OrtException {
        List<Classifier> loaded = new ArrayList<>();
        try {
            for (Path model : models) {
                loaded.add(Classifier.load(model, options));
            }
            double[] bestMillis = new double[models.size()];
            double[] bestRate = new double[models.size()];
            Arrays.fill(bestMillis, Double.MAX_VALUE);
            for (int round = 0; round < rounds; round++) {
                for (int m = 0; m < loaded.size(); m++) {
                    TensorBatch one = batch(loaded.get(m), row, 1);
                    TensorBatch many = batch(loaded.get(m), row, BATCH);
                    loaded.get(m).probabilities(many); // first-run set-up
                    long[] single = time(loaded.get(m), one, perRun);
                    long[] batched = time(loaded.get(m), many, perRun);
                    Arrays.sort(single);
                    bestMillis[m] = Math.min(bestMillis[m], single[single.length / 2] / 1e6);
                    bestRate[m] = Math.max(bestRate[m], batched.length * (double) BATCH / (Arrays.stream(batched).sum() / 1e9));
                }
            }
            List<OrtSpeed> speeds = new ArrayList<>();
            for (int m = 0; m < loaded.size(); m++) {
                speeds.add(new OrtSpeed(bestMillis[m], bestRate[m]));
            }
            return speeds;
        } finally {
            loaded.forEach(Classifier::close);
        }
    }

    private static TensorBatch batch(Classifier classifier, float[] row, int size) {
        TensorBatch batch = classifier.newBatch(size);
        while (!batch.isFull()) {
            batch.add(row);
        }
        return batch;
    }

    /** Nanoseconds of each run, for at least {@code duration} and at least three runs. */
    private static long[] time(Classifier classifier, TensorBatch batch, Duration duration) throws OrtException {
        long end = System.nanoTime() + duration.toNanos();
        long[] runs = new long[16];
        int n = 0;
        while (n < 3 || System.nanoTime() < end) {
            long start = System.nanoTime();
            classifier.probabilities(batch);
            if (n == runs.length) {
                runs = Arrays.copyOf(runs, n * 2);
            }
            runs[n++] = System.nanoTime() - start;
        }
        return Arrays.copyOf(runs, n);
    }
}

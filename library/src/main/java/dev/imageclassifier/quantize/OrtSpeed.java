package dev.imageclassifier.quantize;

import ai.onnxruntime.OrtException;
import dev.imageclassifier.inference.TensorBatch;
import dev.imageclassifier.model.ClassifierModel;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.model.RuntimeOptions;

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
public record OrtSpeed(double batch1Millis, double imagesPerSecond) {

    static final int BATCH = 8;

    static List<OrtSpeed> compare(List<Path> models, float[] row, RuntimeOptions options, Duration perRun, int rounds)
            throws InvalidModelException, OrtException {
        List<ClassifierModel> loaded = new ArrayList<>();
        try {
            for (Path model : models) {
                loaded.add(ClassifierModel.load(model, options));
            }
            double[] bestMillis = new double[models.size()];
            double[] bestRate = new double[models.size()];
            Arrays.fill(bestMillis, Double.MAX_VALUE);
            for (int round = 0; round < rounds; round++) {
                for (int m = 0; m < loaded.size(); m++) {
                    OrtSpeed speed = of(loaded.get(m), row, BATCH, perRun);
                    bestMillis[m] = Math.min(bestMillis[m], speed.batch1Millis());
                    bestRate[m] = Math.max(bestRate[m], speed.imagesPerSecond());
                }
            }
            List<OrtSpeed> speeds = new ArrayList<>();
            for (int m = 0; m < loaded.size(); m++) {
                speeds.add(new OrtSpeed(bestMillis[m], bestRate[m]));
            }
            return speeds;
        } finally {
            loaded.forEach(ClassifierModel::close);
        }
    }

    /**
     * One model's speed on {@code row}: the median of runs at batch size 1, and images per second at {@code batch},
     * each timed for {@code perRun} after a first run that sets up.
     */
    public static OrtSpeed of(ClassifierModel model, float[] row, int batch, Duration perRun) throws OrtException {
        long[] shape = model.metadata().preprocessing().rowShape();
        TensorBatch one = TensorBatch.repeated(row, 1, shape);
        TensorBatch many = TensorBatch.repeated(row, batch, shape);
        model.run(many); // first-run set-up
        long[] single = time(model, one, perRun);
        long[] batched = time(model, many, perRun);
        Arrays.sort(single);
        return new OrtSpeed(single[single.length / 2] / 1e6, batched.length * (double) batch / (Arrays.stream(batched).sum() / 1e9));
    }

    /** Nanoseconds of each run, for at least {@code duration} and at least three runs. */
    private static long[] time(ClassifierModel model, TensorBatch batch, Duration duration) throws OrtException {
        long end = System.nanoTime() + duration.toNanos();
        long[] runs = new long[16];
        int n = 0;
        while (n < 3 || System.nanoTime() < end) {
            long start = System.nanoTime();
            model.run(batch);
            if (n == runs.length) {
                runs = Arrays.copyOf(runs, n * 2);
            }
            runs[n++] = System.nanoTime() - start;
        }
        return Arrays.copyOf(runs, n);
    }
}

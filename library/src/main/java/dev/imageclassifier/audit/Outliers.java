package dev.imageclassifier.audit;

import ai.onnxruntime.OrtException;
import dev.imageclassifier.model.RuntimeOptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Images far from every class: the cosine of an image's (unit) features to each class's mean
 * direction, and an image whose closest class is much farther than is usual in this dataset — by a robust
 * z-score (median and median absolute deviation) — is an outlier: a blank, a scan, a chart, a photo of
 * something no class holds.
 */
public final class Outliers {

    /** Robust z-scores below the median beyond this are outliers (about 1 image in 30 000 of a normal spread). */
    public static final double MIN_Z = 4.0;

    /** @param nearest the class whose mean is closest; {@code cosine} the cosine to it; {@code z} how unusual */
    public record Outlier(int index, int nearest, double cosine, double z) {
    }

    private Outliers() {
    }

    /** The outliers among the images with features, farthest first. */
    public static List<Outlier> find(float[][] unit, int[] labels, int classes, RuntimeOptions runtime) throws OrtException {
        int dim = Arrays.stream(unit).filter(v -> v != null).findFirst().map(v -> v.length).orElse(0);
        float[][] centroid = new float[classes][dim];
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < unit.length; i++) {
            if (unit[i] != null) {
                rows.add(i);
                for (int d = 0; d < dim; d++) {
                    centroid[labels[i]][d] += unit[i][d];
                }
            }
        }
        if (rows.size() < 10) {
            return List.of();
        }
        float[][] cosines = Similarity.all(rows.stream().map(i -> unit[i]).toArray(float[][]::new), Similarity.normalised(centroid), runtime);
        double[] best = new double[rows.size()];
        int[] nearest = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            best[r] = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                if (cosines[r][c] > best[r]) {
                    best[r] = cosines[r][c];
                    nearest[r] = c;
                }
            }
        }
        List<Double> values = Arrays.stream(best).boxed().toList();
        double median = median(values);
        double mad = 1.4826 * median(values.stream().map(v -> Math.abs(v - median)).toList());
        List<Outlier> out = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            if (mad > 0 && (median - best[r]) / mad >= MIN_Z) {
                out.add(new Outlier(rows.get(r), nearest[r], best[r], (median - best[r]) / mad));
            }
        }
        out.sort(Comparator.comparingDouble(Outlier::cosine));
        return out;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

package dev.imageclassifier.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The training features of a {@link HeadTrainer} run: every view of every image as one contiguous
 * row-major matrix (what the gradient graph reads), row = first row of the image + view.
 */
final class HeadSamples {
    final int dim;
    final float[] x;
    final int[] rowLabels;
    final int[] firstRow;
    final int[] viewCount;
    final int[] labels;
    private final boolean oneViewPerEpoch;

    /** @param oneViewPerEpoch epoch e visits view (e mod V) of each image instead of all its views */
    HeadSamples(float[][][] views, int[] labels, boolean oneViewPerEpoch) {
        this.oneViewPerEpoch = oneViewPerEpoch;
        this.labels = labels;
        this.dim = views[0][0].length;
        this.firstRow = new int[views.length];
        this.viewCount = new int[views.length];
        int rows = 0;
        for (int i = 0; i < views.length; i++) {
            firstRow[i] = rows;
            viewCount[i] = views[i].length;
            rows += views[i].length;
        }
        this.x = new float[rows * dim];
        this.rowLabels = new int[rows];
        for (int i = 0; i < views.length; i++) {
            for (int v = 0; v < views[i].length; v++) {
                System.arraycopy(views[i][v], 0, x, (firstRow[i] + v) * dim, dim);
                rowLabels[firstRow[i] + v] = labels[i];
            }
        }
    }

    /** The rows one epoch visits, shuffled: every view, or view (epoch mod V) of each image. */
    int[] epochRows(List<Integer> images, int epoch, SplittableRandom random) {
        List<Integer> rows = new ArrayList<>();
        for (int image : images) {
            if (oneViewPerEpoch) {
                rows.add(firstRow[image] + epoch % viewCount[image]);
            } else {
                for (int v = 0; v < viewCount[image]; v++) {
                    rows.add(firstRow[image] + v);
                }
            }
        }
        int[] out = rows.stream().mapToInt(Integer::intValue).toArray();
        for (int i = out.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = out[i];
            out[i] = out[j];
            out[j] = swap;
        }
        return out;
    }
}

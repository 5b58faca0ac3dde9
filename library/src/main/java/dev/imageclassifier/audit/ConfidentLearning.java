package dev.imageclassifier.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Label errors found by confident learning (Northcutt, Jiang and Chuang, 2021): each class's threshold is the
 * mean probability the out-of-fold heads give that class on the images labelled with it (its self-confidence);
 * an image is counted as confidently belonging to the most probable class whose threshold it reaches, and it is
 * a suspect when that class is not its label and its label is not the most probable class either (cleanlab's
 * {@code filter_by="both"}), and the suggested class is clearly the more probable ({@link #MIN_MARGIN}). Suspects are
 * ranked by the margin between the two probabilities.
 */
public final class ConfidentLearning {

    /**
     * @param index     the image
     * @param label     its class as labelled
     * @param suggested the class it confidently belongs to
     * @param score     probability of {@code suggested} minus that of {@code label}: from 0 to 1, higher is surer
     */
    public record Suspect(int index, int label, int suggested, double score) {
    }

    /**
     * Suspects whose suggested class is less than this much more probable than their label are left out: such
     * images are mostly hard cases (two classes that look alike), not wrong labels. Measured on Caltech-101 with
     * 3 % of the training labels flipped (docs/audit.md): precision rises from 0.62 without it to 0.76, recall
     * falls from 0.750 to 0.745.
     */
    public static final double MIN_MARGIN = 0.7;

    private ConfidentLearning() {
    }

    /** Per class, the mean out-of-fold probability of that class over its labelled images (NaN: no image). */
    public static double[] thresholds(float[][] probabilities, int[] labels, int classes) {
        double[] sum = new double[classes];
        int[] count = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            if (probabilities[i] != null) {
                sum[labels[i]] += probabilities[i][labels[i]];
                count[labels[i]]++;
            }
        }
        double[] out = new double[classes];
        for (int c = 0; c < classes; c++) {
            out[c] = count[c] == 0 ? Double.NaN : sum[c] / count[c];
        }
        return out;
    }

    /** The suspects, most likely wrong first. */
    public static List<Suspect> suspects(float[][] probabilities, int[] labels, int classes) {
        double[] threshold = thresholds(probabilities, labels, classes);
        List<Suspect> out = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            float[] p = probabilities[i];
            if (p == null) {
                continue;
            }
            int confident = -1;
            int argmax = 0;
            for (int c = 0; c < classes; c++) {
                if (p[c] > p[argmax]) {
                    argmax = c;
                }
                if (!Double.isNaN(threshold[c]) && p[c] >= threshold[c] && (confident < 0 || p[c] > p[confident])) {
                    confident = c;
                }
            }
            if (confident >= 0 && confident != labels[i] && argmax != labels[i] && p[confident] - p[labels[i]] >= MIN_MARGIN) {
                out.add(new Suspect(i, labels[i], confident, p[confident] - p[labels[i]]));
            }
        }
        out.sort(Comparator.comparingDouble(Suspect::score).reversed().thenComparingInt(Suspect::index));
        return out;
    }
}

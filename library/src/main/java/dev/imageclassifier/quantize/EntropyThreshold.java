package dev.imageclassifier.quantize;

/**
 * The clipping threshold with the least information loss, TensorRT's entropy calibration: for each
 * candidate number of histogram bins {@code i}, clip everything above into bin {@code i - 1} (P),
 * merge the {@code i} bins into {@code levels} quantization levels and spread them back (Q), and keep
 * the {@code i} with the smallest KL divergence KL(P ‖ Q).
 */
final class EntropyThreshold {

    private static final double EPSILON = 1e-4;

    private EntropyThreshold() {
    }

    /** @return how many bins from 0 the threshold keeps (at least {@code levels}, at most all) */
    static int bins(long[] histogram, int levels) {
        int n = histogram.length;
        if (n <= levels) {
            return n;
        }
        double[] tail = new double[n + 1];
        for (int i = n - 1; i >= 0; i--) {
            tail[i] = tail[i + 1] + histogram[i];
        }
        int best = n;
        double bestDivergence = Double.POSITIVE_INFINITY;
        for (int i = levels; i <= n; i++) {
            double divergence = divergence(histogram, i, levels, tail[i]);
            if (divergence < bestDivergence) {
                bestDivergence = divergence;
                best = i;
            }
        }
        return best;
    }

    /** KL(P ‖ Q) for the first {@code bins} bins, the outliers beyond them added to the last one. */
    static double divergence(long[] histogram, int bins, int levels, double outliers) {
        double[] p = new double[bins];
        for (int j = 0; j < bins; j++) {
            p[j] = histogram[j];
        }
        p[bins - 1] += outliers;
        double[] q = new double[bins];
        for (int level = 0; level < levels; level++) {
            int start = (int) ((long) level * bins / levels);
            int end = (int) ((long) (level + 1) * bins / levels);
            double sum = 0;
            int nonZero = 0;
            for (int j = start; j < end; j++) {
                sum += histogram[j];
                nonZero += histogram[j] > 0 ? 1 : 0;
            }
            for (int j = start; j < end; j++) {
                q[j] = histogram[j] > 0 ? sum / nonZero : 0;
            }
        }
        double pTotal = 0;
        double qTotal = 0;
        for (int j = 0; j < bins; j++) {
            pTotal += p[j];
            qTotal += q[j];
        }
        if (pTotal == 0 || qTotal == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double kl = 0;
        for (int j = 0; j < bins; j++) {
            if (p[j] > 0) {
                double pj = p[j] / pTotal;
                double qj = Math.max(q[j] / qTotal, EPSILON / bins);
                kl += pj * Math.log(pj / qj);
            }
        }
        return kl;
    }
}

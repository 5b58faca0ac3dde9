package dev.imageclassifier.quantize;

import java.nio.FloatBuffer;

/**
 * What calibration saw of one activation tensor: its smallest and largest value (first pass) and, for
 * the histogram methods, a histogram of the non-zero magnitudes over {@code [0, max |x|]} and a count of
 * exact zeros (second pass).
 */
final class ActivationStats {

    static final int BINS = 2048;
    static final double ENTROPY_KEEPS_PERCENT = 99.0;

    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private long[] histogram;
    private long zeros;
    private float binWidth;

    void observeRange(FloatBuffer values) {
        float low = min;
        float high = max;
        for (int i = values.position(); i < values.limit(); i++) {
            float v = values.get(i);
            low = Math.min(low, v);
            high = Math.max(high, v);
        }
        min = low;
        max = high;
    }

    /** Fixes the histogram's range from the first pass; call before {@link #observeHistogram}. */
    void startHistogram() {
        float absMax = Math.max(Math.abs(min), Math.abs(max));
        histogram = new long[BINS];
        binWidth = absMax > 0 ? absMax / BINS : 1f;
    }

    void observeHistogram(FloatBuffer values) {
        long[] counts = histogram;
        float perBin = 1f / binWidth;
        long zero = 0;
        for (int i = values.position(); i < values.limit(); i++) {
            float magnitude = Math.abs(values.get(i));
            if (magnitude == 0) {
                zero++;
            } else {
                counts[Math.min((int) (magnitude * perBin), BINS - 1)]++;
            }
        }
        zeros += zero;
    }

    boolean seen() {
        return min <= max;
    }

    TensorRange range(CalibrationMethod method, double percentile) {
        if (method == CalibrationMethod.MINMAX || histogram == null) {
            return new TensorRange(min, max);
        }
        int bins;
        if (method == CalibrationMethod.PERCENTILE) {
            long[] withZeros = histogram.clone();
            withZeros[0] += zeros;
            bins = percentileBins(withZeros, percentile);
        } else {
            // Exact zeros (ReLU's) are exact at any range: in the histogram they would only drown the tail. KL divergence
            // compares shapes, so on a histogram of a few point masses clipping everything into one bin looks lossless:
            // entropy never clips more than 1 % of the non-zero values.
            int levels = min >= 0 ? QuantParams.UINT8_MAX : QuantParams.INT8_SYMMETRIC_MAX;
            bins = Math.max(EntropyThreshold.bins(histogram, levels), percentileBins(histogram, ENTROPY_KEEPS_PERCENT));
        }
        float threshold = bins * binWidth;
        return new TensorRange(Math.max(min, -threshold), Math.min(max, threshold));
    }

    /** How many bins from 0 hold {@code percentile} % of all magnitudes. */
    static int percentileBins(long[] histogram, double percentile) {
        long total = 0;
        for (long count : histogram) {
            total += count;
        }
        double wanted = total * percentile / 100.0;
        long cumulative = 0;
        for (int i = 0; i < histogram.length; i++) {
            cumulative += histogram[i];
            if (cumulative >= wanted) {
                return i + 1;
            }
        }
        return histogram.length;
    }
}

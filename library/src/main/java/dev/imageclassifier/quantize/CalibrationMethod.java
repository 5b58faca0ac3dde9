package dev.imageclassifier.quantize;

import java.util.Locale;

/** How an activation's range is chosen from what calibration saw. */
public enum CalibrationMethod {
    /** The smallest and largest value seen: nothing clipped, but one outlier stretches the whole range. */
    MINMAX,
    /** The range that holds all but the largest {@code 100 - percentile} % of magnitudes (default 99.999). */
    PERCENTILE,
    /** The clipping threshold whose quantized histogram loses the least information (KL divergence, TensorRT's method). */
    ENTROPY;

    public static CalibrationMethod parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package dev.imageclassifier.quantize;

import dev.imageclassifier.ProgressListener;
import dev.imageclassifier.model.RuntimeOptions;

import java.time.Duration;

/**
 * How to quantize.
 *
 * @param method        how activation ranges are chosen from the calibration images
 * @param percentile    the share of magnitudes kept by {@link CalibrationMethod#PERCENTILE}
 * @param maxDropPoints the most validation top-1 may fall, in percentage points, before the int8 file is refused
 * @param quantizeHead  quantize the trained head too; by default it stays float (it is 0.04 % of the
 *                      work, and int8 logits only cost agreement)
 * @param speedRun      how long each speed measurement runs (ONNX Runtime alone, float and int8 taking turns)
 * @param runtime       ONNX Runtime options for calibration, evaluation and speed
 * @param progress      hears about calibration and evaluation
 */
public record QuantizationSettings(CalibrationMethod method, double percentile, double maxDropPoints, boolean quantizeHead,
                                   Duration speedRun, RuntimeOptions runtime, ProgressListener progress) {

    public static final int DEFAULT_CALIBRATION_IMAGES = 256;

    public QuantizationSettings {
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (50, 100], not " + percentile);
        }
        if (!(maxDropPoints >= 0)) {
            throw new IllegalArgumentException("the largest accepted top-1 drop must be ≥ 0 points, not " + maxDropPoints);
        }
    }

    /**
     * percentile, head float, 1-point guard, 3-second speed runs, default runtime, no progress shown. Percentile
     * because it measured best at the default 256 images on the real MobileNetV2 Caltech classifier (top-1 drop
     * 0.40 points; entropy 0.52, minmax 0.75; entropy needs 512 images for 0.40) and is the cheapest to compute.
     */
    public static QuantizationSettings defaults() {
        return new QuantizationSettings(CalibrationMethod.PERCENTILE, 99.999, 1.0, false, Duration.ofSeconds(3),
                RuntimeOptions.defaults(), ProgressListener.NONE);
    }

    public QuantizationSettings withMethod(CalibrationMethod value) {
        return new QuantizationSettings(value, percentile, maxDropPoints, quantizeHead, speedRun, runtime, progress);
    }

    public QuantizationSettings withMaxDropPoints(double value) {
        return new QuantizationSettings(method, percentile, value, quantizeHead, speedRun, runtime, progress);
    }

    public QuantizationSettings withQuantizedHead(boolean value) {
        return new QuantizationSettings(method, percentile, maxDropPoints, value, speedRun, runtime, progress);
    }

    public QuantizationSettings withSpeedRun(Duration value) {
        return new QuantizationSettings(method, percentile, maxDropPoints, quantizeHead, value, runtime, progress);
    }

    public QuantizationSettings withRuntime(RuntimeOptions value) {
        return new QuantizationSettings(method, percentile, maxDropPoints, quantizeHead, speedRun, value, progress);
    }

    public QuantizationSettings withProgress(ProgressListener value) {
        return new QuantizationSettings(method, percentile, maxDropPoints, quantizeHead, speedRun, runtime, value);
    }
}

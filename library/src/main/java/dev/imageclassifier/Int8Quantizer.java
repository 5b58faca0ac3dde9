package dev.imageclassifier;

import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.quantize.CalibrationMethod;
import dev.imageclassifier.quantize.QuantizationImages;
import dev.imageclassifier.quantize.QuantizationSettings;
import dev.imageclassifier.quantize.Quantizer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Quantizes a trained float classifier to int8 (static QDQ, per-channel weights), calibrated on training
 * images of a split and checked on its validation images: float and int8 top-1, their agreement and their
 * speed in ONNX Runtime alone are measured, and the result refuses to be written when top-1 falls by more
 * than the guard.
 *
 * <pre>{@code
 * QuantizedModel int8 = Int8Quantizer.builder().build().quantize(Path.of("model/classifier.onnx"), split);
 * if (int8.withinMaxDrop()) {
 *     int8.write(Path.of("model/classifier-int8.onnx"), Path.of("results"));
 * }
 * }</pre>
 */
public final class Int8Quantizer {

    /** Calibration images by default. */
    public static final int DEFAULT_CALIBRATION_IMAGES = QuantizationSettings.DEFAULT_CALIBRATION_IMAGES;

    private final QuantizationSettings settings;
    private final int calibrationImages;
    private final Long seed;

    private Int8Quantizer(QuantizationSettings settings, int calibrationImages, Long seed) {
        this.settings = settings;
        this.calibrationImages = calibrationImages;
        this.seed = seed;
    }

    /** @return a builder with the defaults: percentile calibration on 256 images, head kept float, a 1-point guard */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Quantizes {@code model}; nothing is written until {@link QuantizedModel#write}.
     *
     * @param model a float classifier file made by training
     * @param split the split it was trained on (calibration: training images; checks: validation images)
     * @return the int8 model in memory, with its figures
     * @throws InvalidModelException when the file is not a float classifier of this project (or already int8)
     * @throws IOException           when files cannot be read or ONNX Runtime fails
     */
    public QuantizedModel quantize(Path model, DatasetSplit split) throws InvalidModelException, IOException {
        QuantizationImages images = QuantizationImages.fromSplit(split.manifest(), calibrationImages,
                seed != null ? seed : split.seed());
        try {
            return new QuantizedModel(Quantizer.quantize(model, images, settings));
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException("ONNX Runtime failed while quantizing: " + e.getMessage(), e);
        }
    }

    /** How to quantize. */
    public static final class Builder {
        private QuantizationSettings settings = QuantizationSettings.defaults();
        private int calibrationImages = DEFAULT_CALIBRATION_IMAGES;
        private Long seed;
        private int threads;
        private Device device = Device.CPU;

        private Builder() {
        }

        /**
         * @param value how activation ranges are chosen: {@code percentile} (default), {@code minmax} or {@code entropy}
         * @return this builder
         * @throws IllegalArgumentException for another name
         */
        public Builder calibrationMethod(String value) {
            settings = settings.withMethod(CalibrationMethod.parse(value));
            return this;
        }

        /**
         * @param value training images to calibrate on (default {@value Int8Quantizer#DEFAULT_CALIBRATION_IMAGES})
         * @return this builder
         */
        public Builder calibrationImages(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("at least one calibration image is needed");
            }
            calibrationImages = value;
            return this;
        }

        /**
         * @param value seed of the calibration sample (default: the split's seed)
         * @return this builder
         */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * @param value the most validation top-1 may fall, in percentage points (default 1)
         * @return this builder
         */
        public Builder maxDropPoints(double value) {
            settings = settings.withMaxDropPoints(value);
            return this;
        }

        /**
         * @param value quantize the trained head too (default: it stays float)
         * @return this builder
         */
        public Builder quantizeHead(boolean value) {
            settings = settings.withQuantizedHead(value);
            return this;
        }

        /**
         * @param value how long each speed measurement runs (default 3 s)
         * @return this builder
         */
        public Builder speedRun(Duration value) {
            settings = settings.withSpeedRun(value);
            return this;
        }

        /**
         * @param value ONNX Runtime threads; 0 (the default) = one per core
         * @return this builder
         */
        public Builder threads(int value) {
            threads = value;
            return this;
        }

        /**
         * @param value where the models run (default {@link Device#CPU})
         * @return this builder
         */
        public Builder device(Device value) {
            device = value;
            return this;
        }

        /**
         * @param value hears about calibration and the checks (default: nothing is shown)
         * @return this builder
         */
        public Builder progress(ProgressListener value) {
            settings = settings.withProgress(value);
            return this;
        }

        /** @return the quantizer */
        public Int8Quantizer build() {
            return new Int8Quantizer(settings.withRuntime(new RuntimeOptions(threads, device)), calibrationImages, seed);
        }
    }
}

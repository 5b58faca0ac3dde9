package dev.imageclassifier;

import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.model.RuntimeOptions.Device;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;

/**
 * How an {@link ImageClassifier} runs: ONNX Runtime threads and device, the image limits, and the
 * micro-batching of concurrent calls. The defaults suit a server on a small CPU machine; the constants
 * below are the one place each default is written (the CLI's flags show them).
 *
 * <pre>{@code
 * ClassifierOptions options = ClassifierOptions.builder().threads(2).maxMegapixels(24).build();
 * }</pre>
 *
 * @param threads        ONNX Runtime intra-op threads; 0 = one per core
 * @param device         CPU, or CUDA (needs the onnxruntime_gpu artifact and an NVIDIA driver)
 * @param maxPixels      largest image, read from its header before decoding; larger ones are refused
 * @param maxBatchSize   most images in one model call
 * @param maxBatchDelay  how long a batch waits for images that are already being decoded
 * @param queueCapacity  images admitted at once (being decoded or waiting for the model)
 * @param decodeThreads  threads decoding and preprocessing; 0 = one per core
 * @param flipAveraging  average each image's probabilities with its mirror image's (test-time
 *                       augmentation: twice the model work)
 * @param meterRegistry  where batching and timing meters go (Micrometer); null for none
 */
public record ClassifierOptions(int threads, Device device, long maxPixels, int maxBatchSize, Duration maxBatchDelay,
                                int queueCapacity, int decodeThreads, boolean flipAveraging, MeterRegistry meterRegistry) {

    public static final int DEFAULT_MAX_MEGAPIXELS = 50;
    public static final int DEFAULT_MAX_BATCH_SIZE = 8;
    public static final int DEFAULT_MAX_BATCH_DELAY_MS = 5;
    public static final int DEFAULT_QUEUE_CAPACITY = 128;

    public ClassifierOptions {
        require(threads >= 0, "threads must be >= 0 (0 = one per core)");
        require(device != null, "device must be set");
        require(maxPixels > 0, "the pixel limit must be positive");
        require(maxBatchSize > 0, "batch size must be positive");
        require(maxBatchDelay != null && !maxBatchDelay.isNegative(), "batch delay must not be negative");
        require(queueCapacity > 0, "queue size must be positive");
        require(decodeThreads >= 0, "decode threads must be >= 0 (0 = one per core)");
    }

    public static ClassifierOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().threads(threads).device(device).maxPixels(maxPixels).maxBatchSize(maxBatchSize)
                .maxBatchDelay(maxBatchDelay).queueCapacity(queueCapacity).decodeThreads(decodeThreads)
                .flipAveraging(flipAveraging).meterRegistry(meterRegistry);
    }

    /** ONNX Runtime's settings; the memory arena is off, so memory a large batch took is given back. */
    public RuntimeOptions runtime() {
        return new RuntimeOptions(threads, device, false);
    }

    /** Decode threads, with 0 resolved to one per core. */
    public int workers() {
        return decodeThreads > 0 ? decodeThreads : Runtime.getRuntime().availableProcessors();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Builds {@link ClassifierOptions}; every setting starts at its default. */
    public static final class Builder {
        private int threads;
        private Device device = Device.CPU;
        private long maxPixels = DEFAULT_MAX_MEGAPIXELS * 1_000_000L;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private Duration maxBatchDelay = Duration.ofMillis(DEFAULT_MAX_BATCH_DELAY_MS);
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private int decodeThreads;
        private boolean flipAveraging;
        private MeterRegistry meterRegistry;

        private Builder() {
        }

        public Builder threads(int value) {
            threads = value;
            return this;
        }

        public Builder device(Device value) {
            device = value;
            return this;
        }

        public Builder maxPixels(long value) {
            maxPixels = value;
            return this;
        }

        public Builder maxMegapixels(double value) {
            return maxPixels(Math.round(value * 1_000_000));
        }

        public Builder maxBatchSize(int value) {
            maxBatchSize = value;
            return this;
        }

        public Builder maxBatchDelay(Duration value) {
            maxBatchDelay = value;
            return this;
        }

        public Builder queueCapacity(int value) {
            queueCapacity = value;
            return this;
        }

        public Builder decodeThreads(int value) {
            decodeThreads = value;
            return this;
        }

        public Builder flipAveraging(boolean value) {
            flipAveraging = value;
            return this;
        }

        public Builder meterRegistry(MeterRegistry value) {
            meterRegistry = value;
            return this;
        }

        /** @throws IllegalArgumentException for settings that make no sense, with the reason */
        public ClassifierOptions build() {
            return new ClassifierOptions(threads, device, maxPixels, maxBatchSize, maxBatchDelay, queueCapacity, decodeThreads,
                    flipAveraging, meterRegistry);
        }
    }
}

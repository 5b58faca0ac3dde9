package dev.imageclassifier;

import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.vision.ImageDecoder;

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
 * @param monitor        told of every batch, wait and refusal (an application's metrics); {@link InferenceMonitor#NONE} by default
 */
public record ClassifierOptions(int threads, Device device, long maxPixels, int maxBatchSize, Duration maxBatchDelay,
                                int queueCapacity, int decodeThreads, boolean flipAveraging, InferenceMonitor monitor) {

    /** Largest image by default, in megapixels: a 48 MP phone photo passes, a decompression bomb does not. */
    public static final int DEFAULT_MAX_MEGAPIXELS = 50;
    /** Most images in one model call by default. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 8;
    /** How long a batch waits by default for images already being decoded, in milliseconds. */
    public static final int DEFAULT_MAX_BATCH_DELAY_MS = 5;
    /** Images admitted at once by default; more are refused with {@link OverloadedException}. */
    public static final int DEFAULT_QUEUE_CAPACITY = 128;

    /**
     * Environment variable that, set to {@code true}, makes every image be decoded at full size before resizing
     * by the JDK decoder and resized as earlier versions did, bit for bit (slower). By default JPEGs are decoded by
     * libjpeg-turbo when the system has it, at the smallest DCT scale that leaves the model's input size, and
     * resized and normalised in one pass (equal up to float rounding).
     */
    public static final String EXACT_PREPROCESSING_VARIABLE = ImageDecoder.EXACT_VARIABLE;

    /** System property with the same effect as {@link #EXACT_PREPROCESSING_VARIABLE}, for the whole JVM. */
    public static final String EXACT_PREPROCESSING_PROPERTY = ImageDecoder.EXACT_PROPERTY;

    /**
     * Checks the settings; {@link #builder()} starts from the defaults.
     *
     * @param threads        ONNX Runtime intra-op threads; 0 = one per core
     * @param device         where the model runs
     * @param maxPixels      largest image in pixels; positive
     * @param maxBatchSize   most images in one model call; positive
     * @param maxBatchDelay  how long a batch waits for images already being decoded; not negative
     * @param queueCapacity  images admitted at once; positive
     * @param decodeThreads  threads decoding and preprocessing; 0 = one per core
     * @param flipAveraging  average each image's probabilities with its mirror image's
     * @param monitor        told of every batch, wait and refusal; {@link InferenceMonitor#NONE} for none
     * @throws IllegalArgumentException for settings that make no sense (a negative thread count, a pixel limit,
     *                                  batch size or queue capacity that is not positive, a negative or null
     *                                  delay, a null device or monitor), with the reason
     */
    public ClassifierOptions {
        require(threads >= 0, "threads must be >= 0 (0 = one per core)");
        require(device != null, "device must be set");
        require(maxPixels > 0, "the pixel limit must be positive");
        require(maxBatchSize > 0, "batch size must be positive");
        require(maxBatchDelay != null && !maxBatchDelay.isNegative(), "batch delay must not be negative");
        require(queueCapacity > 0, "queue size must be positive");
        require(decodeThreads >= 0, "decode threads must be >= 0 (0 = one per core)");
        require(monitor != null, "monitor must be set (InferenceMonitor.NONE for none)");
    }

    /** @return every setting at its default */
    public static ClassifierOptions defaults() {
        return builder().build();
    }

    /** @return a builder with every setting at its default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder that starts from these settings */
    public Builder toBuilder() {
        return new Builder().threads(threads).device(device).maxPixels(maxPixels).maxBatchSize(maxBatchSize)
                .maxBatchDelay(maxBatchDelay).queueCapacity(queueCapacity).decodeThreads(decodeThreads)
                .flipAveraging(flipAveraging).monitor(monitor);
    }

    /** ONNX Runtime's settings; the memory arena is off, so memory a large batch took is given back. */
    RuntimeOptions runtime() {
        return new RuntimeOptions(threads, device, false);
    }

    /** Decode threads, with 0 resolved to one per core. */
    int workers() {
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
        private InferenceMonitor monitor = InferenceMonitor.NONE;

        private Builder() {
        }

        /**
         * @param value ONNX Runtime intra-op threads; 0 = one per core (the default)
         * @return this builder
         */
        public Builder threads(int value) {
            threads = value;
            return this;
        }

        /**
         * @param value where the model runs (default {@link Device#CPU})
         * @return this builder
         */
        public Builder device(Device value) {
            device = value;
            return this;
        }

        /**
         * @param value the largest image in pixels, read from its header before decoding (default 50 million)
         * @return this builder
         */
        public Builder maxPixels(long value) {
            maxPixels = value;
            return this;
        }

        /**
         * @param value the largest image in megapixels
         * @return this builder
         */
        public Builder maxMegapixels(double value) {
            return maxPixels(Math.round(value * 1_000_000));
        }

        /**
         * @param value most images in one model call (default {@value ClassifierOptions#DEFAULT_MAX_BATCH_SIZE})
         * @return this builder
         */
        public Builder maxBatchSize(int value) {
            maxBatchSize = value;
            return this;
        }

        /**
         * @param value how long a batch waits for images already being decoded (default 5 ms)
         * @return this builder
         */
        public Builder maxBatchDelay(Duration value) {
            maxBatchDelay = value;
            return this;
        }

        /**
         * @param value images admitted at once (default {@value ClassifierOptions#DEFAULT_QUEUE_CAPACITY})
         * @return this builder
         */
        public Builder queueCapacity(int value) {
            queueCapacity = value;
            return this;
        }

        /**
         * @param value threads decoding and preprocessing; 0 = one per core (the default)
         * @return this builder
         */
        public Builder decodeThreads(int value) {
            decodeThreads = value;
            return this;
        }

        /**
         * @param value average each image with its mirror image (twice the model work; default off)
         * @return this builder
         */
        public Builder flipAveraging(boolean value) {
            flipAveraging = value;
            return this;
        }

        /**
         * @param value told of every batch, wait and refusal (default {@link InferenceMonitor#NONE})
         * @return this builder
         */
        public Builder monitor(InferenceMonitor value) {
            monitor = value;
            return this;
        }

        /**
         * @return the options
         * @throws IllegalArgumentException for settings that make no sense, with the reason
         */
        public ClassifierOptions build() {
            return new ClassifierOptions(threads, device, maxPixels, maxBatchSize, maxBatchDelay, queueCapacity, decodeThreads,
                    flipAveraging, monitor);
        }
    }
}

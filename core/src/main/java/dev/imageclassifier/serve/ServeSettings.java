package dev.imageclassifier.serve;

import dev.imageclassifier.model.RuntimeOptions;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the server can be told, with the limits that keep one bad client from hurting the rest.
 *
 * @param host             interface to listen on
 * @param port             TCP port; 0 picks a free one (tests)
 * @param model            the classifier file
 * @param maxBodyBytes     largest request body; larger ones get 413 before they are read
 * @param maxPixels        largest image, in pixels, read from the header before decoding; larger get 413
 * @param maxBatchFiles    most files in one {@code /predict/batch} request
 * @param maxBatchSize     most images in one ONNX Runtime call
 * @param maxBatchDelay    how long the batcher waits for more images that are already on their way
 * @param queueCapacity    images admitted (preprocessing or waiting for the model); beyond it, 503 + Retry-After
 * @param decodeThreads    threads that decode and preprocess uploads beside inference
 * @param runtime          ONNX Runtime threads and device
 * @param requestTimeout   how long a request may wait for its answer before it gets 503
 * @param shutdownTimeout  how long SIGTERM waits for requests in flight
 * @param receiving        how request bodies are received: slowest rate, memory for uploads on their way
 */
public record ServeSettings(String host, int port, Path model, long maxBodyBytes, long maxPixels, int maxBatchFiles,
                            int maxBatchSize, Duration maxBatchDelay, int queueCapacity, int decodeThreads,
                            RuntimeOptions runtime, Duration requestTimeout, Duration shutdownTimeout, ReceiveLimits receiving) {

    /**
     * How request bodies are received (see {@link UploadReceiver}).
     *
     * @param grace             how long a body may take before its rate is checked (a body that has not started by then fails)
     * @param minBytesPerSecond slowest body accepted, averaged since the request began; slower ones get 408
     * @param memoryBytes       memory all bodies on their way may hold together; beyond it, 503 + Retry-After
     */
    public record ReceiveLimits(Duration grace, long minBytesPerSecond, long memoryBytes) {

        public ReceiveLimits {
            require(!grace.isNegative() && !grace.isZero(), "the upload grace period must be positive");
            require(minBytesPerSecond >= 0, "the minimum upload rate must not be negative");
            require(memoryBytes > 0, "the memory for uploads must be positive");
        }

        /** 10 s of grace, 8 KiB/s at least, an eighth of the Java heap for bodies on their way. */
        public static ReceiveLimits defaults() {
            return new ReceiveLimits(Duration.ofSeconds(10), 8 * 1024, Runtime.getRuntime().maxMemory() / 8);
        }
    }

    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;

    public ServeSettings {
        require(port >= 0 && port <= 65_535, "port must be 0-65535");
        require(maxBodyBytes > 0 && maxBodyBytes < Integer.MAX_VALUE, "the body limit must be between 1 byte and 2 GiB");
        require(maxPixels > 0, "the pixel limit must be positive");
        require(maxBatchFiles > 0, "files per batch request must be positive");
        require(maxBatchSize > 0, "batch size must be positive");
        require(!maxBatchDelay.isNegative(), "batch delay must not be negative");
        require(queueCapacity > 0, "queue size must be positive");
        require(decodeThreads > 0, "decode threads must be positive");
        require(requestTimeout.toMillis() > 0, "request timeout must be positive");
        require(!shutdownTimeout.isNegative(), "shutdown timeout must not be negative");
    }

    /** Settings with the default {@link ReceiveLimits}. */
    public ServeSettings(String host, int port, Path model, long maxBodyBytes, long maxPixels, int maxBatchFiles,
                         int maxBatchSize, Duration maxBatchDelay, int queueCapacity, int decodeThreads,
                         RuntimeOptions runtime, Duration requestTimeout, Duration shutdownTimeout) {
        this(host, port, model, maxBodyBytes, maxPixels, maxBatchFiles, maxBatchSize, maxBatchDelay, queueCapacity, decodeThreads,
                runtime, requestTimeout, shutdownTimeout, ReceiveLimits.defaults());
    }

    /** The defaults, sized for a small CPU machine, serving {@code model}. */
    public static ServeSettings defaults(Path model) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ServeSettings("0.0.0.0", 8000, model, DEFAULT_MAX_BODY_BYTES, 50_000_000L, 16,
                8, Duration.ofMillis(5), 128, cores, RuntimeOptions.defaults().withoutMemoryArena(), Duration.ofSeconds(30),
                Duration.ofSeconds(20));
    }

    public ServeSettings withAddress(String newHost, int newPort) {
        return new ServeSettings(newHost, newPort, model, maxBodyBytes, maxPixels, maxBatchFiles, maxBatchSize, maxBatchDelay,
                queueCapacity, decodeThreads, runtime, requestTimeout, shutdownTimeout, receiving);
    }

    public ServeSettings withBatching(int newMaxBatchSize, Duration newMaxBatchDelay, int newQueueCapacity) {
        return new ServeSettings(host, port, model, maxBodyBytes, maxPixels, maxBatchFiles, newMaxBatchSize, newMaxBatchDelay,
                newQueueCapacity, decodeThreads, runtime, requestTimeout, shutdownTimeout, receiving);
    }

    public ServeSettings withLimits(long newMaxBodyBytes, long newMaxPixels, int newMaxBatchFiles) {
        return new ServeSettings(host, port, model, newMaxBodyBytes, newMaxPixels, newMaxBatchFiles, maxBatchSize, maxBatchDelay,
                queueCapacity, decodeThreads, runtime, requestTimeout, shutdownTimeout, receiving);
    }

    public ServeSettings withReceiving(ReceiveLimits newReceiving) {
        return new ServeSettings(host, port, model, maxBodyBytes, maxPixels, maxBatchFiles, maxBatchSize, maxBatchDelay,
                queueCapacity, decodeThreads, runtime, requestTimeout, shutdownTimeout, newReceiving);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}

package dev.imageclassifier.serve;

import dev.imageclassifier.ClassifierOptions;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the server can be told, with the limits that keep one bad client from hurting the rest. The
 * constants are the one place each default is written: the CLI's flags and {@link #defaults} use them.
 *
 * @param host             interface to listen on
 * @param port             TCP port; 0 picks a free one (tests)
 * @param model            the classifier file
 * @param maxBodyBytes     largest request body; larger ones get 413 before they are read
 * @param maxBatchFiles    most files in one {@code /predict/batch} request
 * @param requestTimeout   how long a request may wait for its answer before it gets 503
 * @param shutdownTimeout  how long SIGTERM waits for requests in flight; those still in flight then get 503
 * @param classifier       image limits, batching, ONNX Runtime threads and device
 * @param receiving        how request bodies are received: slowest rate, memory for bodies on their way
 * @param connections      how many connections are held, and how long their request headers may take
 * @param models           the models served (named files, a model repository), the default one, how often files are
 *                         checked for replacement; the constructors without it serve {@code model} alone
 * @param access           bearer tokens and the routes open without one; the constructors without it have none
 */
public record ServeSettings(String host, int port, Path model, long maxBodyBytes, int maxBatchFiles, Duration requestTimeout,
                            Duration shutdownTimeout, ClassifierOptions classifier, ReceiveLimits receiving,
                            ConnectionLimits connections, ModelSources models, ApiAccess access) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8000;
    public static final String DEFAULT_MAX_BODY_SIZE = "10MiB";
    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_MAX_BATCH_FILES = 16;
    public static final int DEFAULT_REQUEST_TIMEOUT_S = 30;
    public static final int DEFAULT_SHUTDOWN_TIMEOUT_S = 20;
    public static final int DEFAULT_UPLOAD_GRACE_S = 10;
    public static final String DEFAULT_MIN_UPLOAD_RATE = "8KiB";
    public static final long DEFAULT_MIN_UPLOAD_BYTES_PER_SECOND = 8 * 1024;
    public static final int DEFAULT_HEADER_TIMEOUT_S = 10;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 512;
    /** The ceiling of the automatic total: far above what one server answers, far below common descriptor limits. */
    public static final int AUTO_MAX_CONNECTIONS_CEILING = 10_000;

    /**
     * How many connections the server holds and how long a request's headers may take (enforced by the server's {@code ConnectionGuard}).
     *
     * @param headerTimeout  longest time a request's headers may take, counted from the connection's opening (or, on a
     *                       kept-alive connection, from the first byte of the next request); then the connection is closed
     * @param maxConnections most connections open at once; 0 = half of the process's file-descriptor limit, at most
     *                       {@value #AUTO_MAX_CONNECTIONS_CEILING}. The last tenth goes only to addresses that hold none yet
     *                       (a health probe, a new client), so that one crowd cannot take them all
     * @param maxPerAddress  most connections open at once from one client address (an IPv6 /64 counts as one address);
     *                       0 = no such cap (e.g. behind a proxy that all clients share)
     */
    public record ConnectionLimits(Duration headerTimeout, int maxConnections, int maxPerAddress) {

        public ConnectionLimits {
            require(!headerTimeout.isNegative() && !headerTimeout.isZero(), "the header timeout must be positive");
            require(maxConnections >= 0, "the connection limit must not be negative");
            require(maxPerAddress >= 0, "the per-address connection limit must not be negative");
        }

        /** 10 s for headers, half the file descriptors (at most 10,000) in all, 512 per client address. */
        public static ConnectionLimits defaults() {
            return new ConnectionLimits(Duration.ofSeconds(DEFAULT_HEADER_TIMEOUT_S), 0, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
        }

        /** The total cap in effect: the one given, or half of the file-descriptor limit (at most 10,000, at least 64). */
        public int totalCap() {
            if (maxConnections > 0) {
                return maxConnections;
            }
            long descriptors = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : 2 * AUTO_MAX_CONNECTIONS_CEILING;
            return (int) Math.max(64, Math.min(AUTO_MAX_CONNECTIONS_CEILING, descriptors / 2));
        }
    }

    /**
     * How request bodies are received (see {@link UploadReceiver}).
     *
     * @param grace             how long a body may take before its rate is checked (a body that has not started by then
     *                          fails), and how long one may stop arriving midway before it fails
     * @param minBytesPerSecond slowest body accepted, averaged since the request began; slower ones get 408
     * @param memoryBytes       memory all bodies on their way may hold together, beyond it 503 + Retry-After; 0 = an
     *                          eighth of the Java heap of the serving process
     */
    public record ReceiveLimits(Duration grace, long minBytesPerSecond, long memoryBytes) {

        public ReceiveLimits {
            require(!grace.isNegative() && !grace.isZero(), "the upload grace period must be positive");
            require(minBytesPerSecond >= 0, "the minimum upload rate must not be negative");
            require(memoryBytes >= 0, "the memory for uploads must not be negative");
        }

        /** 10 s of grace, 8 KiB/s at least, an eighth of the heap for bodies on their way. */
        public static ReceiveLimits defaults() {
            return new ReceiveLimits(Duration.ofSeconds(DEFAULT_UPLOAD_GRACE_S), DEFAULT_MIN_UPLOAD_BYTES_PER_SECOND, 0);
        }

        /** The memory budget in bytes, the heap's eighth when none was given. */
        public long memoryBudget() {
            return memoryBytes > 0 ? memoryBytes : Runtime.getRuntime().maxMemory() / 8;
        }
    }

    public ServeSettings {
        require(port >= 0 && port <= 65_535, "port must be 0-65535");
        require(maxBodyBytes > 0 && maxBodyBytes < Integer.MAX_VALUE, "the body limit must be between 1 byte and 2 GiB");
        require(maxBatchFiles > 0, "files per batch request must be positive");
        require(requestTimeout.toMillis() > 0, "request timeout must be positive");
        require(!shutdownTimeout.isNegative(), "shutdown timeout must not be negative");
        java.util.Objects.requireNonNull(access, "access");
    }

    /** Settings with no tokens ({@link ApiAccess#open()}). */
    public ServeSettings(String host, int port, Path model, long maxBodyBytes, int maxBatchFiles, Duration requestTimeout,
                         Duration shutdownTimeout, ClassifierOptions classifier, ReceiveLimits receiving, ConnectionLimits connections,
                         ModelSources models) {
        this(host, port, model, maxBodyBytes, maxBatchFiles, requestTimeout, shutdownTimeout, classifier, receiving, connections,
                models, ApiAccess.open());
    }

    /** Settings serving {@code model} alone, named after its stem. */
    public ServeSettings(String host, int port, Path model, long maxBodyBytes, int maxBatchFiles, Duration requestTimeout,
                         Duration shutdownTimeout, ClassifierOptions classifier, ReceiveLimits receiving, ConnectionLimits connections) {
        this(host, port, model, maxBodyBytes, maxBatchFiles, requestTimeout, shutdownTimeout, classifier, receiving, connections,
                ModelSources.file(model));
    }

    /** Settings with the default {@link ConnectionLimits}. */
    public ServeSettings(String host, int port, Path model, long maxBodyBytes, int maxBatchFiles, Duration requestTimeout,
                         Duration shutdownTimeout, ClassifierOptions classifier, ReceiveLimits receiving) {
        this(host, port, model, maxBodyBytes, maxBatchFiles, requestTimeout, shutdownTimeout, classifier, receiving,
                ConnectionLimits.defaults());
    }

    /** Settings with the default {@link ReceiveLimits} and {@link ConnectionLimits}. */
    public ServeSettings(String host, int port, Path model, long maxBodyBytes, int maxBatchFiles, Duration requestTimeout,
                         Duration shutdownTimeout, ClassifierOptions classifier) {
        this(host, port, model, maxBodyBytes, maxBatchFiles, requestTimeout, shutdownTimeout, classifier, ReceiveLimits.defaults());
    }

    /** The defaults, serving {@code model}. */
    public static ServeSettings defaults(Path model) {
        return new ServeSettings(DEFAULT_HOST, DEFAULT_PORT, model, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_BATCH_FILES,
                Duration.ofSeconds(DEFAULT_REQUEST_TIMEOUT_S), Duration.ofSeconds(DEFAULT_SHUTDOWN_TIMEOUT_S),
                ClassifierOptions.defaults());
    }

    public ServeSettings withAddress(String newHost, int newPort) {
        return new ServeSettings(newHost, newPort, model, maxBodyBytes, maxBatchFiles, requestTimeout, shutdownTimeout, classifier, receiving, connections, models, access);
    }

    public ServeSettings withClassifier(ClassifierOptions newClassifier) {
        return new ServeSettings(host, port, model, maxBodyBytes, maxBatchFiles, requestTimeout, shutdownTimeout, newClassifier, receiving, connections, models, access);
    }

    public ServeSettings withReceiving(ReceiveLimits newReceiving) {
        return new ServeSettings(host, port, model, maxBodyBytes, maxBatchFiles, requestTimeout, shutdownTimeout, classifier, newReceiving, connections, models, access);
    }

    public ServeSettings withConnections(ConnectionLimits newConnections) {
        return new ServeSettings(host, port, model, maxBodyBytes, maxBatchFiles, requestTimeout, shutdownTimeout, classifier, receiving, newConnections, models, access);
    }

    public ServeSettings withModels(ModelSources newModels) {
        return new ServeSettings(host, port, model, maxBodyBytes, maxBatchFiles, requestTimeout, shutdownTimeout, classifier, receiving, connections, newModels, access);
    }

    public ServeSettings withAccess(ApiAccess newAccess) {
        return new ServeSettings(host, port, model, maxBodyBytes, maxBatchFiles, requestTimeout, shutdownTimeout, classifier, receiving, connections, models, newAccess);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}

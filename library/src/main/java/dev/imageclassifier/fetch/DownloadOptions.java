package dev.imageclassifier.fetch;

import dev.imageclassifier.ProgressListener;
import java.net.ProxySelector;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Downloader} behaves.
 *
 * @param maxAttempts    tries per file, counting the first; failed tries that are worth repeating (5xx, 408,
 *                       429, broken or stalled connections) wait and resume
 * @param initialBackoff the wait after the first failed try; it doubles after each further one
 * @param maxBackoff     the longest wait between tries (also caps a server's Retry-After)
 * @param connectTimeout how long to wait for a connection
 * @param idleTimeout    how long to wait for response headers, and then for each further piece of data
 * @param proxy          chooses the proxy per URL
 * @param progress       where progress is shown
 */
public record DownloadOptions(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration connectTimeout,
                              Duration idleTimeout, ProxySelector proxy, ProgressListener progress) {

    public DownloadOptions {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        requireNonNegative("initialBackoff", initialBackoff);
        requireNonNegative("maxBackoff", maxBackoff);
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("idleTimeout", idleTimeout);
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(progress, "progress");
    }

    /**
     * Five tries waiting 1 s, 2 s, 4 s, 8 s between them; 30 s to connect; 60 s without data counts as a
     * stall; proxies from the environment ({@link EnvironmentProxySelector}); no progress shown.
     */
    public static DownloadOptions defaults() {
        return new DownloadOptions(5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(60), EnvironmentProxySelector.fromEnvironment(), ProgressListener.NONE);
    }

    public DownloadOptions withTimeouts(Duration connectTimeout, Duration idleTimeout) {
        return new DownloadOptions(maxAttempts, initialBackoff, maxBackoff, connectTimeout, idleTimeout, proxy, progress);
    }

    public DownloadOptions withProxy(ProxySelector proxy) {
        return new DownloadOptions(maxAttempts, initialBackoff, maxBackoff, connectTimeout, idleTimeout, proxy, progress);
    }

    public DownloadOptions withProgress(ProgressListener progress) {
        return new DownloadOptions(maxAttempts, initialBackoff, maxBackoff, connectTimeout, idleTimeout, proxy, progress);
    }

    private static void requireNonNegative(String name, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero or more, got " + value);
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}

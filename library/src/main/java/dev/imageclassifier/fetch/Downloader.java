package dev.imageclassifier.fetch;

import dev.imageclassifier.DownloadException;
import dev.imageclassifier.Progress;
import dev.imageclassifier.ProgressListener;
import dev.imageclassifier.io.ProgressText;
import dev.imageclassifier.io.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Fetches one URL into one file so that the file is either absent or complete and verified.
 *
 * <p>Bytes go to {@code <target>.part}; only once the whole body is there, its SHA-256 matches the
 * expected one (when given) and the caller's {@link FileCheck} accepts it, is it renamed to the target. A
 * file that fails verification is deleted. A broken, stalled or refused transfer (5xx, 408, 429, I/O
 * errors, timeouts) is retried with exponential backoff, resuming from the part file with
 * {@code Range: bytes=N-}; the part file survives a give-up or a killed process, so the next run resumes
 * too. {@code If-Range} (ETag or Last-Modified, kept in {@code <target>.part.validator}) makes a server
 * that has a newer file send all of it instead of a mismatched tail. Other 4xx statuses fail at once.
 * Redirects are followed (GitHub and CaltechDATA send them).
 */
public final class Downloader {

    /** Inspects a complete download before it is moved into place; throws, with a reason, to reject it. */
    @FunctionalInterface
    public interface FileCheck {
        void check(Path file) throws IOException;
    }

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final String USER_AGENT = "image-classifier/"
            + Optional.ofNullable(Downloader.class.getPackage().getImplementationVersion()).orElse("dev");
    private static final ScheduledExecutorService STALL_WATCH = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "download-stall-watch");
        thread.setDaemon(true);
        return thread;
    });

    /** A failed try that is worth repeating, with the server's Retry-After when it sent one. */
    private static final class RetryableFailure extends Exception {
        final Duration retryAfter;

        RetryableFailure(String message, Duration retryAfter) {
            super(message, null, false, false);
            this.retryAfter = retryAfter;
        }

        RetryableFailure(String message) {
            this(message, null);
        }
    }

    private final DownloadOptions options;
    private final HttpClient client;

    public Downloader(DownloadOptions options) {
        this.options = options;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // one plain connection per file; no h2c upgrade surprises
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(options.connectTimeout())
                .proxy(options.proxy());
        if (options.proxy() instanceof EnvironmentProxySelector environment) {
            environment.authenticator().ifPresent(builder::authenticator);
        }
        this.client = builder.build();
    }

    /** Where this downloader tells the user what it does; others that fetch through it (unpacking, waiting) say it there too. */
    public ProgressListener progress() {
        return options.progress();
    }

    /** The part file a download of {@code target} writes to until it is complete. */
    public static Path partFile(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /** Downloads {@code url} to {@code target}, verifying the SHA-256 where one is given (may be null). */
    public DownloadedFile download(URI url, Path target, String expectedSha256) throws IOException {
        return download(url, target, expectedSha256, file -> { });
    }

    /**
     * Downloads {@code url} to {@code target} (replacing it), resuming an earlier part file.
     *
     * @param expectedSha256 lowercase or uppercase hex; null when unknown
     * @param check          runs on the complete part file after the checksum; a failure rejects the download
     * @throws DownloadException when the server refuses, the tries run out, or verification fails
     */
    public DownloadedFile download(URI url, Path target, String expectedSha256, FileCheck check) throws IOException {
        if (url.getScheme() == null || !url.getScheme().matches("(?i)https?") || url.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + url);
        }
        String expected = expectedSha256 == null ? null : expectedSha256.strip().toLowerCase(Locale.ROOT);
        if (expected != null && !SHA256.matcher(expected).matches()) {
            throw new IllegalArgumentException("expected SHA-256 must be 64 hex digits, got '" + expectedSha256 + "'");
        }
        target = target.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path part = partFile(target);
        Path validator = target.resolveSibling(target.getFileName() + ".part.validator");

        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            lockOrFail(channel, part, url); // closing the channel releases it
            options.progress().note(channel.size() > 0
                    ? "Resuming the download of " + url + " at " + ProgressText.size(channel.size())
                    : "Downloading " + url);
            try {
                transfer(url, channel, validator, target.getFileName().toString());
                channel.force(true); // on disk before the rename makes it look complete
            } catch (IOException e) {
                if (channel.size() == 0) { // nothing worth resuming: leave no litter
                    discard(part, validator);
                }
                throw e;
            }
        }

        String actual = Sha256.of(part);
        if (expected != null && !expected.equals(actual)) {
            discard(part, validator);
            throw new DownloadException("SHA-256 mismatch for " + url + ": expected " + expected + ", got " + actual
                    + ". The download was deleted; try again, and if it persists the source or mirror serves a different file.");
        }
        try {
            check.check(part);
        } catch (IOException | RuntimeException e) { // the file is untrusted: any failure to read it rejects it
            discard(part, validator);
            throw new DownloadException("the file downloaded from " + url + " was rejected and deleted: " + e.getMessage(), url, 0, false, e);
        }
        long size = Files.size(part);
        moveIntoPlace(part, target);
        Files.deleteIfExists(validator);
        return new DownloadedFile(target, actual, size);
    }

    /** Renames the finished part file over the target, atomically where the file system allows. */
    private static void moveIntoPlace(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void lockOrFail(FileChannel channel, Path part, URI url) throws IOException {
        if (FileLocks.tryLock(channel) == null) {
            throw new DownloadException("another download of " + url + " is writing " + part + "; wait for it to finish");
        }
    }

    /** Tries until the part file holds the whole body, or the tries run out. */
    private void transfer(URI url, FileChannel part, Path validator, String label) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                fetchRest(url, part, validator, label);
                return;
            } catch (RetryableFailure failure) {
                if (attempt >= options.maxAttempts()) {
                    long kept = part.size();
                    throw new DownloadException("could not download " + url + " after " + attempt + " attempt"
                            + (attempt == 1 ? "" : "s") + "; last error: " + failure.getMessage()
                            + (kept > 0 ? ". The " + kept + " bytes received are kept and the next run resumes from them." : ""));
                }
                Duration wait = backoff(attempt, failure.retryAfter);
                options.progress().note("Download attempt " + attempt + " of " + options.maxAttempts() + " failed: "
                        + failure.getMessage() + "; " + (wait.isZero() ? "retrying now" : "retrying in " + FailureWords.seconds(wait)));
                sleep(wait, url);
            }
        }
    }

    /** One try: asks for the bytes after those already in the part file and appends them. */
    private void fetchRest(URI url, FileChannel part, Path validator, String label) throws IOException, RetryableFailure {
        long offset = part.size();
        HttpRequest.Builder request = HttpRequest.newBuilder(url).GET()
                .timeout(options.idleTimeout())
                .header("User-Agent", USER_AGENT);
        if (offset > 0) {
            request.header("Range", "bytes=" + offset + "-");
            if (Files.isRegularFile(validator)) {
                request.header("If-Range", Files.readString(validator, StandardCharsets.UTF_8).strip());
            }
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new RetryableFailure("no connection to " + FailureWords.peer(url, options.proxy()) + " within "
                    + FailureWords.seconds(options.connectTimeout()));
        } catch (HttpTimeoutException e) {
            throw new RetryableFailure("no response from " + FailureWords.peer(url, options.proxy()) + " within "
                    + FailureWords.seconds(options.idleTimeout()));
        } catch (ConnectException e) {
            String failure = FailureWords.connectFailure(e, FailureWords.peer(url, options.proxy()));
            if (FailureWords.unresolved(e)) { // a name that does not resolve now will not a second later: no retries
                throw new DownloadException("could not download " + url + ": " + failure + " (no network, or a wrong host name)",
                        url, 0, false, e);
            }
            throw new RetryableFailure(failure);
        } catch (IOException e) {
            throw new RetryableFailure("request failed: " + FailureWords.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException("interrupted while downloading " + url, url, 0, false, e);
        }
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            long start;
            if (status == 200) {
                start = 0; // a fresh download, or a server that ignored Range or found the file changed
                ResumeHeaders.rememberValidator(response, validator);
            } else if (status == 206) {
                start = ResumeHeaders.contentRangeStart(response, url);
                if (start != offset) {
                    part.truncate(0);
                    throw new RetryableFailure("the server resumed at byte " + start + " instead of " + offset + "; starting over");
                }
            } else if (status == 416) {
                if (ResumeHeaders.unsatisfiedRangeTotal(response) == offset) {
                    return; // the part file already holds the whole file
                }
                part.truncate(0);
                Files.deleteIfExists(validator);
                throw new RetryableFailure("the server cannot resume at byte " + offset + " (HTTP 416); starting over");
            } else if (status == 408 || status == 429 || status >= 500) {
                throw new RetryableFailure("HTTP " + status + FailureWords.httpReason(status), ResumeHeaders.retryAfter(response));
            } else {
                throw new DownloadException("HTTP " + status + FailureWords.httpReason(status) + " for " + url, url, status, false, null);
            }
            part.truncate(start);
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            long total = length < 0 ? -1 : start + length;
            append(body, part, start, total, label);
            if (total >= 0 && part.size() < total) {
                throw new RetryableFailure("the connection closed after " + part.size() + " of " + total + " bytes");
            }
        }
    }

    /** Copies the body to the end of the part file, giving up when no data arrives for the idle timeout. */
    private void append(InputStream body, FileChannel part, long start, long total, String label) throws IOException, RetryableFailure {
        AtomicLong lastData = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        long idleNanos = options.idleTimeout().toNanos();
        long period = Math.max(10, options.idleTimeout().toMillis() / 4);
        // Java's HTTP client has no read timeout for a body; closing the stream wakes a blocked read.
        ScheduledFuture<?> watch = STALL_WATCH.scheduleWithFixedDelay(() -> {
            if (System.nanoTime() - lastData.get() > idleNanos && !stalled.getAndSet(true)) {
                closeQuietly(body);
            }
        }, period, period, TimeUnit.MILLISECONDS);
        byte[] buffer = new byte[1 << 16];
        part.position(start);
        try (Progress progress = options.progress().begin(label, total, start, ProgressText.BYTES)) {
            while (true) {
                int n;
                try {
                    n = body.read(buffer);
                } catch (IOException e) {
                    if (stalled.get()) {
                        break;
                    }
                    throw new RetryableFailure("the connection broke after " + part.size() + " bytes: " + FailureWords.describe(e));
                }
                if (n < 0 || stalled.get()) {
                    break;
                }
                lastData.set(System.nanoTime());
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    part.write(chunk);
                }
                progress.step(n);
            }
        } finally {
            watch.cancel(false);
        }
        if (stalled.get()) {
            throw new RetryableFailure("no data for " + options.idleTimeout().toSeconds() + " s after " + part.size() + " bytes");
        }
    }

    private Duration backoff(int failedAttempts, Duration retryAfter) {
        Duration wait = retryAfter != null ? retryAfter
                : options.initialBackoff().multipliedBy(1L << Math.min(failedAttempts - 1, 20));
        return wait.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : wait;
    }

    private static void sleep(Duration wait, URI url) throws DownloadException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException("interrupted while waiting to retry " + url, url, 0, false, e);
        }
    }

    private static void discard(Path part, Path validator) throws IOException {
        Files.deleteIfExists(part);
        Files.deleteIfExists(validator);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // the stream is being abandoned; the reader reports the stall
        }
    }
}

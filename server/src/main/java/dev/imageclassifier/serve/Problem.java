package dev.imageclassifier.serve;

import dev.imageclassifier.OverloadedException;
import dev.imageclassifier.InvalidImageException;
import io.javalin.http.HttpResponseException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * How a failure looks to a client: an HTTP status and the FastAPI-style body {@code {"detail": "..."}}.
 * One mapping for whole requests and for the items of a batch request alike.
 */
public record Problem(int status, String detail) {

    /** Seconds a client should wait before retrying a 503. */
    public static final String RETRY_AFTER_SECONDS = "1";

    /** The detail of a request cut off by the end of the shutdown grace (or refused while stopping). */
    public static final String SHUTTING_DOWN = "The server is shutting down; try again later";

    public static Problem of(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof InvalidImageException invalid) {
            return new Problem(invalid.reason() == InvalidImageException.Reason.TOO_LARGE ? 413 : 400, invalid.getMessage());
        }
        if (e instanceof HttpResponseException http) {
            return new Problem(http.getStatus(), http.getMessage());
        }
        if (e instanceof OverloadedException) {
            return new Problem(503, e.getMessage());
        }
        if (e instanceof TimeoutException) {
            return new Problem(503, "Timed out waiting for the model; try again later");
        }
        if (e instanceof CancellationException) {
            return new Problem(503, SHUTTING_DOWN);
        }
        return new Problem(500, "Internal server error");
    }

    /** A real bug (not bad input or load): worth a log entry with its stack trace. */
    public boolean isServerBug() {
        return status >= 500 && status != 503;
    }

    /** 503s are temporary: clients get a Retry-After header. */
    public boolean isRetryable() {
        return status == 503;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}

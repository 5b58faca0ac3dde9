package dev.imageclassifier.serve;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * How the routes answer a failure: JSON {@code {"detail": …}} (FastAPI's shape), or {@code {"error": …}} under
 * {@code /v2} (the Open Inference Protocol's), never a stack trace; the cause goes to the log.
 */
final class ErrorAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class); // the server's log, as before

    private ErrorAnswers() {
    }

    /** Answers an exception: its status and detail, the full cause to the log (at debug for the client's mistakes). */
    static void fail(Context ctx, Exception e) {
        Problem problem = Problem.of(e);
        if (e instanceof HttpResponseException http && http.getStatus() == 405) {
            // RFC 9110: a 405 lists the methods the path does take; Javalin found them for its own message.
            http.getDetails().values().stream().findFirst().ifPresent(methods -> ctx.header("Allow", methods));
        }
        if (problem.isServerBug()) {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        } else {
            LOG.debug("{} {} -> {} {}", ctx.method(), ctx.path(), problem.status(), problem.detail(), e); // the full cause, for LOG_LEVEL=debug
        }
        send(ctx, problem);
    }

    /** {"detail": …} (or {"error": …} under /v2) with the status, and Retry-After where trying again later can help. */
    static void send(Context ctx, Problem problem) {
        if (problem.isRetryable()) {
            ctx.header("Retry-After", Problem.RETRY_AFTER_SECONDS);
        }
        ctx.status(problem.status()).json(Map.of(errorField(ctx.path()), problem.detail()));
    }

    /** The field that carries an error's words on this path: the Open Inference Protocol's {@code error} under /v2. */
    static String errorField(String path) {
        return path.equals("/v2") || path.startsWith("/v2/") ? "error" : "detail";
    }
}

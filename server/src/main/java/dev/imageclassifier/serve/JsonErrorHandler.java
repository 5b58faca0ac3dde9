package dev.imageclassifier.serve;

import dev.imageclassifier.io.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Errors Jetty answers itself, before our routes see the request (a malformed request line, headers too
 * large, 503 during shutdown), in the API's {@code {"detail": ...}} form instead of an HTML page. The client
 * reads the status's own phrase: Jetty's message can be an exception's ({@code java.util.concurrent.TimeoutException:
 * Idle timeout expired}), so it goes to the log instead, with the cause.
 */
final class JsonErrorHandler extends ErrorHandler {

    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorHandler.class);

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        String path = request.getHttpURI() == null ? "?" : request.getHttpURI().getPath();
        if (code >= 500 && code != HttpStatus.SERVICE_UNAVAILABLE_503) {
            LOG.error("{} {} from {}: {} {}", request.getMethod(), path, Request.getRemoteAddr(request), code, message, cause);
        } else {
            LOG.debug("{} {} from {}: {} {}", request.getMethod(), path, Request.getRemoteAddr(request), code, message, cause);
        }
        writeBody(response, code, code == HttpStatus.INTERNAL_SERVER_ERROR_500 ? "Internal server error" : HttpStatus.getMessage(code),
                callback);
    }

    /** Sets the status and writes {@code {"detail": ...}} (with Retry-After on a 503), completing {@code callback}. */
    static void write(Response response, int code, String detail, Callback callback) {
        response.setStatus(code);
        writeBody(response, code, detail, callback);
    }

    private static void writeBody(Response response, int code, String detail, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        SecurityHeaders.addTo(response.getHeaders()); // also on answers written before any handler ran
        if (code == HttpStatus.SERVICE_UNAVAILABLE_503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Problem.RETRY_AFTER_SECONDS);
        }
        byte[] body = Json.compact(Map.of("detail", detail)).getBytes(StandardCharsets.UTF_8);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}

package dev.imageclassifier.serve;

import dev.imageclassifier.io.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Errors Jetty answers itself, before our routes see the request (a malformed request line, headers too
 * large, 503 during shutdown), in the API's {@code {"detail": ...}} form instead of an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        String detail = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        writeBody(response, code, detail, callback);
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

package dev.imageclassifier.serve;

import org.eclipse.jetty.http.HttpStatus;

import java.util.Locale;

/**
 * Why {@link UploadReceiver} answers a request itself, before the routes: the status, the reason its metric is
 * counted under, and the detail the client reads (always our own words, never an exception's message).
 */
record UploadRefusal(int status, String reason, String detail) {

    static UploadRefusal tooLarge(long declaredBytes, long maxBodyBytes) {
        return new UploadRefusal(HttpStatus.PAYLOAD_TOO_LARGE_413, "too_large", Uploads.tooLargeDetail(declaredBytes, maxBodyBytes));
    }

    static UploadRefusal busy() {
        return new UploadRefusal(HttpStatus.SERVICE_UNAVAILABLE_503, "busy",
                "The server is receiving too many uploads at once; try again later");
    }

    /** A body slower than the minimum rate, or one that never started. */
    static UploadRefusal tooSlow(long bytesSeen, double seconds, long minBytesPerSecond) {
        String detail = bytesSeen == 0
                ? String.format(Locale.ROOT, "Request body timeout: nothing of the body arrived in %.0f s", seconds)
                : String.format(Locale.ROOT, "Request body too slow: %d bytes in %.0f s; uploads must arrive at %.1f KiB/s or faster",
                bytesSeen, seconds, minBytesPerSecond / 1024.0);
        return new UploadRefusal(HttpStatus.REQUEST_TIMEOUT_408, "slow", detail);
    }

    /** A body that started and then stopped arriving (the client stalled, or its network did). */
    static UploadRefusal stalled(long bytesSeen, long declaredBytes, double silentSeconds) {
        String of = declaredBytes > 0 ? " of " + declaredBytes : "";
        return new UploadRefusal(HttpStatus.REQUEST_TIMEOUT_408, "slow", String.format(Locale.ROOT,
                "Request body timeout: the upload stopped after %d%s bytes; nothing more arrived for %.0f s", bytesSeen, of, silentSeconds));
    }

    /** A body still on its way when the shutdown grace ran out. */
    static UploadRefusal shuttingDown() {
        return new UploadRefusal(HttpStatus.SERVICE_UNAVAILABLE_503, "shutdown", Problem.SHUTTING_DOWN);
    }
}

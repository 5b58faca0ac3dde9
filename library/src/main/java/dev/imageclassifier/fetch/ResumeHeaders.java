package dev.imageclassifier.fetch;

import dev.imageclassifier.DownloadException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a download reads from the server's response headers to resume, and to wait before trying again. */
final class ResumeHeaders {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes\\s+\\*/(\\d+)");

    private ResumeHeaders() {
    }

    /** Where the body of a 206 starts in the file. */
    static long contentRangeStart(HttpResponse<?> response, URI url) throws DownloadException {
        String header = response.headers().firstValue("Content-Range").orElse("");
        Matcher matcher = CONTENT_RANGE.matcher(header);
        if (!matcher.matches()) {
            throw new DownloadException("HTTP 206 from " + url + " with an unusable Content-Range '" + header + "'", url, 206, false, null);
        }
        return Long.parseLong(matcher.group(1));
    }

    /** The file's length a 416 names, or -1. */
    static long unsatisfiedRangeTotal(HttpResponse<?> response) {
        Matcher matcher = UNSATISFIED_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
        return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /** Keeps the validator that lets a later resume ask for "the rest of this same file" (If-Range). */
    static void rememberValidator(HttpResponse<?> response, Path validator) throws IOException {
        Optional<String> etag = response.headers().firstValue("ETag").filter(tag -> !tag.startsWith("W/"));
        Optional<String> value = etag.or(() -> response.headers().firstValue("Last-Modified"));
        if (value.isPresent()) {
            Files.writeString(validator, value.get(), StandardCharsets.UTF_8);
        } else {
            Files.deleteIfExists(validator);
        }
    }

    /** The server's Retry-After in seconds, or null (HTTP dates are not honoured: the backoff applies). */
    static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After")
                .filter(value -> value.strip().matches("\\d{1,6}"))
                .map(value -> Duration.ofSeconds(Long.parseLong(value.strip())))
                .orElse(null);
    }
}

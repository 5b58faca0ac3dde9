package dev.imageclassifier.fetch;

import java.io.IOException;
import java.net.URI;

/** A download that failed for good, with a message fit to show a user (what, where, and what to do). */
public class DownloadException extends IOException {

    private final URI uri;
    private final int statusCode;

    public DownloadException(String message, URI uri) {
        this(message, uri, 0, null);
    }

    public DownloadException(String message, URI uri, int statusCode, Throwable cause) {
        super(message, cause);
        this.uri = uri;
        this.statusCode = statusCode;
    }

    /** The URL that was being fetched, or null where none was (offline mode). */
    public URI uri() {
        return uri;
    }

    /** The HTTP status that ended the download, or 0 when it did not end on a status. */
    public int statusCode() {
        return statusCode;
    }
}

package dev.imageclassifier.fetch;

import java.io.IOException;

/** A download that failed for good, with a message fit to show a user (what, where, and what to do). */
public class DownloadException extends IOException {

    private final int statusCode;

    public DownloadException(String message) {
        this(message, 0, null);
    }

    public DownloadException(String message, int statusCode, Throwable cause) {
        super(message, cause);
        this.statusCode = statusCode;
    }

    /** The HTTP status that ended the download, or 0 when it did not end on a status. */
    public int statusCode() {
        return statusCode;
    }
}

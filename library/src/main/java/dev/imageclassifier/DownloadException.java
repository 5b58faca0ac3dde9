package dev.imageclassifier;

import java.io.IOException;
import java.net.URI;

/**
 * A download that failed for good or was not allowed: what was wanted from where, the HTTP status that ended
 * it, and whether it was refused because the caller asked to stay offline. The message says it in words.
 */
public class DownloadException extends IOException {

    private final transient URI url;
    /** The HTTP status that ended the download, or 0. */
    private final int statusCode;
    /** Whether it was not tried because the caller is offline. */
    private final boolean offline;

    /**
     * @param message    the fact in words
     * @param url        what was to be downloaded, or null
     * @param statusCode the HTTP status that ended it, or 0
     * @param offline    true when it was not tried because the caller is offline
     * @param cause      what went wrong underneath, or null
     */
    public DownloadException(String message, URI url, int statusCode, boolean offline, Throwable cause) {
        super(message, cause);
        this.url = url;
        this.statusCode = statusCode;
        this.offline = offline;
    }

    /** @param message the fact in words */
    public DownloadException(String message) {
        this(message, null, 0, false, null);
    }

    /** @return what was to be downloaded, or null when unknown */
    public URI url() {
        return url;
    }

    /** @return the HTTP status that ended the download, or 0 when it did not end on a status */
    public int statusCode() {
        return statusCode;
    }

    /** @return true when nothing was downloaded because the caller is offline */
    public boolean offline() {
        return offline;
    }
}

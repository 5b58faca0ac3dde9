package dev.imageclassifier.fetch;

import dev.imageclassifier.io.Terminal;

import java.io.PrintStream;

/**
 * What a user hears about downloads: status lines ({@link #note}: what is fetched, retries, waits, unpacking)
 * and each transfer's progress, as a bar on a terminal or a line every few seconds in a log.
 */
public interface DownloadProgress {

    /**
     * Starts showing one transfer of {@code total} bytes (-1 when unknown), of which {@code alreadyDone}
     * were fetched before (a resumed download).
     */
    Transfer start(String label, long alreadyDone, long total);

    /** One line of status, e.g. "Downloading …" or a retry and its reason. */
    default void note(String message) {
    }

    /** One transfer in progress. */
    @FunctionalInterface
    interface Transfer extends AutoCloseable {
        void advance(long bytes);

        @Override
        default void close() {
        }
    }

    /** Shows nothing. */
    DownloadProgress NONE = (label, alreadyDone, total) -> bytes -> { };

    /** Status lines and a bar with bytes, rate and time left, printed to a terminal at {@code out}. */
    static DownloadProgress bar(PrintStream out) {
        return new PrintedDownloadProgress(out, PrintedDownloadProgress.Transfers.BAR);
    }

    /** Status lines and a progress line every few seconds, for a log or CI at {@code out}. */
    static DownloadProgress lines(PrintStream out) {
        return new PrintedDownloadProgress(out, PrintedDownloadProgress.Transfers.LINES);
    }

    /**
     * On stderr: {@link #bar} on a terminal, {@link #lines} elsewhere; with {@code NO_PROGRESS} set, the
     * status lines alone.
     */
    static DownloadProgress automatic() {
        if (System.getenv("NO_PROGRESS") != null) {
            return new PrintedDownloadProgress(System.err, PrintedDownloadProgress.Transfers.HIDDEN);
        }
        return Terminal.stderrIsTerminal() ? bar(System.err) : lines(System.err);
    }
}

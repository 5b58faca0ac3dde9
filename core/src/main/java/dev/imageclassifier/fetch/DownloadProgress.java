package dev.imageclassifier.fetch;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;

/** Where download progress goes: a progress bar on a terminal, nowhere in tests and pipelines. */
@FunctionalInterface
public interface DownloadProgress {

    /**
     * Starts showing one transfer of {@code total} bytes (-1 when unknown), of which {@code alreadyDone}
     * were fetched before (a resumed download).
     */
    Transfer start(String label, long alreadyDone, long total);

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

    /** A bar with bytes, rate and ETA in MB, printed to {@code out}. */
    static DownloadProgress bar(PrintStream out) {
        return (label, alreadyDone, total) -> {
            ProgressBar bar = new ProgressBarBuilder()
                    .setTaskName(label)
                    .setInitialMax(total > 0 ? total : -1)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUnit("MB", 1_000_000)
                    .showSpeed()
                    .setConsumer(new ConsoleProgressBarConsumer(out))
                    .startsFrom(alreadyDone, Duration.ZERO)
                    .build();
            return new Transfer() {
                @Override
                public void advance(long bytes) {
                    bar.stepBy(bytes);
                }

                @Override
                public void close() {
                    bar.close();
                }
            };
        };
    }

    /**
     * A bar on stderr when the process runs in a terminal; nothing when output goes to a file or CI log,
     * or when {@code NO_PROGRESS} is set.
     */
    static DownloadProgress automatic() {
        return System.console() != null && System.getenv("NO_PROGRESS") == null ? bar(System.err) : NONE;
    }
}

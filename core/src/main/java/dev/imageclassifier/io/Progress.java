package dev.imageclassifier.io;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Progress of long work on stderr: a bar where a person watches (a terminal), a line every few seconds
 * where nobody does (a log file, CI), nothing with {@code NO_PROGRESS} set or in tests that ask for {@link #NONE}.
 */
public interface Progress extends AutoCloseable {

    /** How often a log hears about a task. */
    Duration LOG_INTERVAL = Duration.ofSeconds(5);

    Progress NONE = new Progress() {
        @Override
        public void step(long amount) {
        }

        @Override
        public void close() {
        }
    };

    void step(long amount);

    default void step() {
        step(1);
    }

    /** Extra words shown after the counts, e.g. the current loss. */
    default void message(String text) {
    }

    @Override
    void close();

    /**
     * Progress of {@code total} {@code unit}s on stderr, shown as suits it: a bar on a terminal (erased when
     * done), else a line every {@link #LOG_INTERVAL}; nothing when {@code NO_PROGRESS} is set.
     */
    static Progress bar(String task, long total, String unit) {
        if (System.getenv("NO_PROGRESS") != null) {
            return NONE;
        }
        ProgressText text = new ProgressText(task, unit);
        return Terminal.stderrIsTerminal() ? new TerminalProgress(text, total, 0, System.err, true)
                : new ProgressLog(text, total, 0, System.err, LOG_INTERVAL, System::nanoTime);
    }

    /** A bar redrawn in place with {@code \r}, for a terminal; it stays on screen when done. */
    static Progress terminal(ProgressText text, long total, long alreadyDone, PrintStream out) {
        return new TerminalProgress(text, total, alreadyDone, out, false);
    }

    /** A line every {@link #LOG_INTERVAL} (and one at the end of a task that printed any), for logs. */
    static Progress log(ProgressText text, long total, long alreadyDone, PrintStream out) {
        return new ProgressLog(text, total, alreadyDone, out, LOG_INTERVAL, System::nanoTime);
    }
}

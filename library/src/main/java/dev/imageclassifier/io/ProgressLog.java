package dev.imageclassifier.io;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Progress for a log: a plain line at most every {@code interval}, and a last one when a task that printed
 * any ends, so a short task stays silent and a long one ends at its final count. No {@code \r}, no bar.
 */
public final class ProgressLog implements AutoCloseable {

    /** How often a log hears about a task. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);

    private final ProgressText text;
    private final long total;
    private final long doneAtStart;
    private final PrintStream out;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final long started;
    private long done;
    private String message = "";
    private long lastLine;
    private long doneAtLastLine = -1;

    /** A line every {@link #INTERVAL} (and one at the end of a task that printed any). */
    public static ProgressLog of(ProgressText text, long total, long alreadyDone, PrintStream out) {
        return new ProgressLog(text, total, alreadyDone, out, INTERVAL, System::nanoTime);
    }

    ProgressLog(ProgressText text, long total, long alreadyDone, PrintStream out, Duration interval, LongSupplier nanoClock) {
        this.text = text;
        this.total = total;
        this.doneAtStart = alreadyDone;
        this.done = alreadyDone;
        this.out = out;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.started = nanoClock.getAsLong();
        this.lastLine = started;
    }

    /** {@code amount} more units are done. */
    public synchronized void step(long amount) {
        done += amount;
        long now = nanoClock.getAsLong();
        if (now - lastLine >= intervalNanos) {
            print(now);
        }
    }

    /** Extra words shown after the counts. */
    public synchronized void message(String text) {
        message = text;
    }

    @Override
    public synchronized void close() {
        if (doneAtLastLine >= 0 && doneAtLastLine != done) {
            print(nanoClock.getAsLong());
        }
    }

    private void print(long now) {
        out.println(text.line(new ProgressText.Snapshot(done, total, doneAtStart, Duration.ofNanos(now - started), message)));
        out.flush();
        lastLine = now;
        doneAtLastLine = done;
    }
}

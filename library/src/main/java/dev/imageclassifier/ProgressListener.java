package dev.imageclassifier;

import dev.imageclassifier.io.ProgressLog;
import dev.imageclassifier.io.ProgressText;

import java.io.PrintStream;

/**
 * Hears about long work: status lines ({@link #note}, e.g. "Choosing the framing…") and tasks with a
 * count ({@link #begin}). The library prints nothing by itself; pass {@link #lines(PrintStream)} for plain
 * log lines, or an implementation of your own (the command line draws terminal bars).
 *
 * <pre>{@code
 * Trainer.builder().backbone(backbone).progress(ProgressListener.lines(System.err)).build();
 * }</pre>
 */
public interface ProgressListener {

    /** Hears nothing. */
    ProgressListener NONE = (task, total, alreadyDone, unit) -> Progress.NONE;

    /**
     * A task begins.
     *
     * @param task        its name, e.g. {@code Features}
     * @param total       units in all, or -1 when unknown
     * @param alreadyDone units done before (a resumed download)
     * @param unit        what is counted: {@code img}, {@code epoch}, or {@code B} for bytes
     * @return where the task reports its steps
     */
    Progress begin(String task, long total, long alreadyDone, String unit);

    /**
     * A task begins with nothing done yet.
     *
     * @param task  its name
     * @param total units in all, or -1 when unknown
     * @param unit  what is counted
     * @return where the task reports its steps
     */
    default Progress begin(String task, long total, String unit) {
        return begin(task, total, 0, unit);
    }

    /**
     * One line of status: what is being done, a retry and its reason, a warning.
     *
     * @param line the words, without a line break
     */
    default void note(String line) {
    }

    /**
     * Status lines as they come, and a line per task every few seconds: for logs and CI.
     *
     * @param out where the lines go, e.g. {@code System.err}
     * @return the listener
     */
    static ProgressListener lines(PrintStream out) {
        return new ProgressListener() {
            @Override
            public Progress begin(String task, long total, long alreadyDone, String unit) {
                ProgressLog log = ProgressLog.of(new ProgressText(task, unit), total, alreadyDone, out);
                return new Progress() {
                    @Override
                    public void step(long amount) {
                        log.step(amount);
                    }

                    @Override
                    public void message(String text) {
                        log.message(text);
                    }

                    @Override
                    public void close() {
                        log.close();
                    }
                };
            }

            @Override
            public void note(String line) {
                out.println(line);
                out.flush();
            }
        };
    }
}

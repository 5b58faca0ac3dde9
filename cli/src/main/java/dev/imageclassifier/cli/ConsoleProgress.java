package dev.imageclassifier.cli;

import dev.imageclassifier.Progress;
import dev.imageclassifier.ProgressListener;
import dev.imageclassifier.io.ProgressText;
import dev.imageclassifier.io.Terminal;

import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * What the commands show of long work: status lines always (on the command's error stream); each task on
 * stderr as a bar where a person watches (a terminal), as a line every few seconds where nobody does (a
 * log, CI), or not at all with {@code --no-progress} or {@code NO_PROGRESS} set.
 */
final class ConsoleProgress implements ProgressListener {

    private enum Tasks { BAR, LINES, HIDDEN }

    private final PrintWriter notes;
    private final ProgressListener lines;
    private final PrintStream out;
    private final Tasks tasks;

    private ConsoleProgress(PrintWriter notes, PrintStream out, Tasks tasks) {
        this.notes = notes;
        this.out = out;
        this.lines = ProgressListener.lines(out);
        this.tasks = tasks;
    }

    /**
     * Tasks on stderr as suits it; {@code hidden} (or env NO_PROGRESS) keeps the status lines only.
     *
     * @param notes the command's error stream, for status lines
     */
    static ProgressListener onStderr(PrintWriter notes, boolean hidden) {
        Tasks tasks = hidden || System.getenv("NO_PROGRESS") != null ? Tasks.HIDDEN
                : Terminal.stderrIsTerminal() ? Tasks.BAR : Tasks.LINES;
        return new ConsoleProgress(notes, System.err, tasks);
    }

    /** Status lines and bars redrawn in place on {@code out}, a terminal. */
    static ProgressListener bars(PrintStream out) {
        return new ConsoleProgress(new PrintWriter(out, true), out, Tasks.BAR);
    }

    @Override
    public Progress begin(String task, long total, long alreadyDone, String unit) {
        return switch (tasks) {
            // a download's bar stays on screen when done; a step of a longer run makes room for the next
            case BAR -> new TerminalProgress(new ProgressText(task, unit), total, alreadyDone, out, !ProgressText.BYTES.equals(unit));
            case LINES -> lines.begin(task, total, alreadyDone, unit);
            case HIDDEN -> Progress.NONE;
        };
    }

    @Override
    public void note(String line) {
        notes.println(line);
        notes.flush();
    }
}

package dev.imageclassifier.io;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The words of one progress report, as a terminal bar fitted to the screen's width
 * ({@code Epochs  56% [=====>     ] 17/30 epoch · 0:03 left · loss 0.0013, hold-out 95.00%}) or as a log
 * line ({@code Epochs: 17/30 epoch (56%) · 5.2 epoch/s · 0:03 left · loss 0.0013, hold-out 95.00%}).
 * Amounts are counted in {@code unit}; with {@link #BYTES} they are shown in kB, MB or GB.
 *
 * <p>Written here rather than using the progress bar library's renderer, which glues the extra message
 * to the speed and, on an 80-column terminal, squeezes the bar to nothing and cuts the message's end.
 */
public final class ProgressText {

    /** The unit for byte counts. */
    public static final String BYTES = "B";
    private static final String SEPARATOR = " · ";
    private static final int MIN_BAR = 10;

    /**
     * One moment of a task.
     *
     * @param done        units done so far
     * @param total       units in all, or 0 or less when unknown
     * @param doneAtStart units that were done before this run began (a resumed download), left out of the speed
     * @param elapsed     time since this run began
     * @param message     extra words, e.g. the current loss; may be empty
     */
    public record Snapshot(long done, long total, long doneAtStart, Duration elapsed, String message) {
    }

    private final String task;
    private final String unit;

    public ProgressText(String task, String unit) {
        this.task = task;
        this.unit = unit;
    }

    public String task() {
        return task;
    }

    /**
     * One line of at most {@code width} characters (the library already leaves the terminal's last column
     * free). When space runs short the speed goes first, then the time left; the bar keeps ten columns.
     */
    public String bar(Snapshot now, int width) {
        int room = Math.max(width, 1);
        String head = now.total() > 0 ? task + " " + String.format(Locale.ROOT, "%3d%%", percent(now)) + " [" : task + " ";
        String amount = (now.total() > 0 ? "] " : "") + amount(now);
        List<String> optional = new ArrayList<>(List.of(speed(now), timeLeft(now)));
        optional.removeIf(String::isEmpty);
        String message = now.message() == null || now.message().isBlank() ? "" : SEPARATOR + now.message().strip();
        int barWidth = now.total() > 0 ? MIN_BAR : 0;
        while (!optional.isEmpty() && head.length() + barWidth + amount.length() + joined(optional).length() + message.length() > room) {
            optional.remove(0);
        }
        String tail = amount + joined(optional) + message;
        if (now.total() > 0) {
            barWidth = Math.max(MIN_BAR, room - head.length() - tail.length());
        }
        String line = head + drawBar(now, barWidth) + tail;
        return line.length() > room ? line.substring(0, room) : line;
    }

    /** One line for a log: every field, no bar, no carriage return. */
    public String line(Snapshot now) {
        List<String> fields = new ArrayList<>(List.of(speed(now), timeLeft(now)));
        if (now.message() != null && !now.message().isBlank()) {
            fields.add(now.message().strip());
        }
        fields.removeIf(String::isEmpty);
        String share = now.total() > 0 ? " (" + percent(now) + "%)" : "";
        return task + ": " + amount(now) + share + joined(fields);
    }

    private static long percent(Snapshot now) {
        return Math.min(100, 100 * now.done() / now.total());
    }

    private String drawBar(Snapshot now, int width) {
        if (width == 0) {
            return "";
        }
        int filled = (int) Math.min(width, width * now.done() / now.total());
        StringBuilder bar = new StringBuilder(width);
        bar.append("=".repeat(filled));
        if (filled < width) {
            bar.append('>').append(" ".repeat(width - filled - 1));
        }
        return bar.toString();
    }

    private String amount(Snapshot now) {
        if (!unit.equals(BYTES)) {
            return now.done() + (now.total() > 0 ? "/" + now.total() : "") + " " + unit;
        }
        long scale = byteScale(Math.max(now.total(), now.done()));
        return bytes(now.done(), scale) + (now.total() > 0 ? "/" + bytes(now.total(), scale) : "") + " " + byteUnit(scale);
    }

    /** Units per second of this run, or "" before there is anything to measure. */
    private String speed(Snapshot now) {
        double seconds = now.elapsed().toMillis() / 1000.0;
        long moved = now.done() - now.doneAtStart();
        if (seconds < 0.5 || moved <= 0) {
            return "";
        }
        double rate = moved / seconds;
        if (unit.equals(BYTES)) {
            return size((long) rate) + "/s";
        }
        return String.format(Locale.ROOT, rate >= 10 ? "%.0f %s/s" : "%.1f %s/s", rate, unit);
    }

    private String timeLeft(Snapshot now) {
        double seconds = now.elapsed().toMillis() / 1000.0;
        long moved = now.done() - now.doneAtStart();
        if (now.total() <= 0 || now.done() >= now.total() || seconds < 0.5 || moved <= 0) {
            return "";
        }
        long left = Math.round((now.total() - now.done()) * seconds / moved);
        return clock(left) + " left";
    }

    /** A byte count in the unit that suits it: "812 B", "45.2 kB", "131.0 MB", "1.2 GB". */
    public static String size(long bytes) {
        long scale = byteScale(bytes);
        return bytes(bytes, scale) + " " + byteUnit(scale);
    }

    static String clock(long seconds) {
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    private static long byteScale(long reference) {
        return reference >= 1_000_000_000L ? 1_000_000_000L : reference >= 1_000_000L ? 1_000_000L : reference >= 1_000L ? 1_000L : 1L;
    }

    private static String byteUnit(long scale) {
        return scale == 1_000_000_000L ? "GB" : scale == 1_000_000L ? "MB" : scale == 1_000L ? "kB" : "B";
    }

    private static String bytes(long value, long scale) {
        return scale == 1 ? Long.toString(value) : String.format(Locale.ROOT, "%.1f", value / (double) scale);
    }

    private static String joined(List<String> fields) {
        return fields.isEmpty() ? "" : SEPARATOR + String.join(SEPARATOR, fields);
    }
}

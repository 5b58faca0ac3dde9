package dev.imageclassifier.io;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress of long work; a terminal progress bar on stderr, or nothing (tests, servers). */
public interface Progress extends AutoCloseable {

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

    /** Extra text shown after the bar, e.g. the current loss. */
    default void message(String text) {
    }

    @Override
    void close();

    /** A progress bar on stderr (me.tongfei:progressbar), unless {@code NO_PROGRESS} is set. */
    static Progress bar(String task, long total, String unit) {
        if (System.getenv("NO_PROGRESS") != null) {
            return NONE;
        }
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" " + unit, 1).showSpeed()
                .setUpdateIntervalMillis(250).continuousUpdate().clearDisplayOnFinish().build();
        return new Progress() {
            @Override
            public void step(long amount) {
                bar.stepBy(amount);
            }

            @Override
            public void message(String text) {
                bar.setExtraMessage(text);
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }
}

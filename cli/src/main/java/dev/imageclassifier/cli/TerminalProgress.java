package dev.imageclassifier.cli;

import dev.imageclassifier.Progress;
import dev.imageclassifier.io.ProgressText;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressState;

import java.io.PrintStream;
import java.time.Duration;

/** A terminal progress bar (me.tongfei:progressbar redraws it and measures the width) in {@link ProgressText}'s layout. */
final class TerminalProgress implements Progress {

    private final ProgressBar bar;

    TerminalProgress(ProgressText text, long total, long alreadyDone, PrintStream out, boolean eraseWhenDone) {
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(text.task()).setInitialMax(total > 0 ? total : -1)
                .setRenderer((state, width) -> text.bar(snapshot(state), width))
                .setConsumer(new ConsoleProgressBarConsumer(out))
                .startsFrom(alreadyDone, Duration.ZERO)
                .setUpdateIntervalMillis(250).continuousUpdate();
        if (eraseWhenDone) {
            builder.clearDisplayOnFinish();
        }
        bar = builder.build();
    }

    private static ProgressText.Snapshot snapshot(ProgressState state) {
        return new ProgressText.Snapshot(state.getCurrent(), state.isIndefinite() ? -1 : state.getMax(), state.getStart(),
                state.getElapsedAfterStart(), state.getExtraMessage());
    }

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
}

package dev.imageclassifier.io;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

    static final ProgressText EPOCHS = new ProgressText("Epochs", "epoch");
    static final ProgressText.Snapshot EPOCH_17 = new ProgressText.Snapshot(17, 30, 0, Duration.ofMillis(3400),
            "loss 0.0013, hold-out 95.00%");

    @Test
    void onAnEightyColumnTerminalTheEpochBarKeepsItsBarAndTheWholeHoldOutValue() {
        // an 80-column terminal: the library hands the renderer 79 columns, keeping the last one free
        String line = EPOCHS.bar(EPOCH_17, 79);

        assertThat(line).isEqualTo("Epochs  56% [=====>    ] 17/30 epoch · 0:03 left · loss 0.0013, hold-out 95.00%");
        assertThat(line).hasSize(79);
    }

    @Test
    void aWideTerminalShowsTheSpeedTooAndEveryFieldIsSeparated() {
        assertThat(EPOCHS.bar(EPOCH_17, 100)).isEqualTo(
                "Epochs  56% [=========>       ] 17/30 epoch · 5.0 epoch/s · 0:03 left · loss 0.0013, hold-out 95.00%").hasSize(100);
        assertThat(EPOCHS.bar(EPOCH_17, 40)).as("a narrow one cuts the end, never below ten columns of bar")
                .isEqualTo("Epochs  56% [=====>    ] 17/30 epoch · l");
    }

    @Test
    void bytesAreCountedInMegabytesWithTheirUnit() {
        ProgressText download = new ProgressText("caltech-101.zip", ProgressText.BYTES);
        ProgressText.Snapshot half = new ProgressText.Snapshot(65_500_000, 131_000_000, 0, Duration.ofSeconds(10), "");

        assertThat(download.bar(half, 79)).isEqualTo("caltech-101.zip  50% [=========>         ] 65.5/131.0 MB · 6.6 MB/s · 0:10 left")
                .hasSize(79);
        assertThat(download.line(new ProgressText.Snapshot(3_000_000, 3_000_000, 2_800_000, Duration.ofSeconds(1), "")))
                .as("a resumed download: its speed counts only this run's bytes").isEqualTo("caltech-101.zip: 3.0/3.0 MB (100%) · 200.0 kB/s");
        assertThat(ProgressText.size(812)).isEqualTo("812 B");
        assertThat(ProgressText.size(1_234_567_890)).isEqualTo("1.2 GB");
    }

    @Test
    void withoutATerminalProgressIsALineEveryFewSecondsNeverACarriageReturn() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        try (ProgressLog progress = new ProgressLog(new ProgressText("Features", "img"), 100, 0,
                new PrintStream(log, true, StandardCharsets.UTF_8), Duration.ofSeconds(5), clock::get)) {
            for (int i = 0; i < 100; i++) {
                clock.addAndGet(Duration.ofMillis(120).toNanos()); // 12 s in all
                progress.step(1);
            }
        }

        assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo(""
                + "Features: 42/100 img (42%) · 8.3 img/s · 0:07 left\n"
                + "Features: 84/100 img (84%) · 8.3 img/s · 0:02 left\n"
                + "Features: 100/100 img (100%) · 8.3 img/s\n");
    }

    @Test
    void aTaskShorterThanTheIntervalPrintsNothing() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        try (ProgressLog progress = new ProgressLog(EPOCHS, 30, 0, new PrintStream(log, true, StandardCharsets.UTF_8),
                Duration.ofSeconds(5), clock::get)) {
            for (int i = 0; i < 30; i++) {
                clock.addAndGet(Duration.ofMillis(100).toNanos());
                progress.step(1);
                progress.message("loss 0.1");
            }
        }

        assertThat(log.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void stderrRedirectedToAFileOrPipeIsNoTerminal() {
        // the tests' stderr goes to a file or pipe: where Java 22+ still returns a System.console(), this must say no
        assertThat(Terminal.stderrIsTerminal()).isFalse();
        assertThat(Terminal.isTerminalDevice("/dev/pts/3")).isTrue();
        assertThat(Terminal.isTerminalDevice("pipe:[81234]")).isFalse();
    }
}

package dev.imageclassifier.cli;

import dev.imageclassifier.Progress;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's terminal bars (the library itself prints none). */
class ConsoleProgressTest {

    @Test
    void theProgressBarShowsMegabytesWithTheirUnit() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        try (Progress transfer = ConsoleProgress.bars(new PrintStream(terminal, true, StandardCharsets.UTF_8))
                .begin("caltech-101.zip", 131_000_000, 0, "B")) {
            transfer.step(65_500_000);
        }

        assertThat(terminal.toString(StandardCharsets.UTF_8)).contains("\rcaltech-101.zip  50% [").contains("] 65.5/131.0 MB");
    }
}

package dev.imageclassifier.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Mistakes a new user makes in the first hour, answered in one line that says what to do (exit 1 or 2). */
class CommonMistakesTest {

    @TempDir
    Path dir;

    @Test
    void aBadOptionValueIsOneLineAndAPointerToHelpNotTheWholeUsage() {
        Cli bad = Cli.run("serve", "--port", "eighty");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err().lines().toList()).containsExactly(
                "error: Invalid value for option '--port': 'eighty' is not an int",
                "See 'image-classifier serve --help'.");
        Cli typo = Cli.run("train", "--epoch", "3");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).startsWith("error: Unknown options: '--epoch', '3'").contains("Possible solutions: --epochs")
                .endsWith("See 'image-classifier train --help'.\n");
    }

    @Test
    void aMissingImageSaysFileNotFound() {
        Cli predicted = Cli.run("predict", "nothere.jpg");
        assertThat(predicted.exitCode()).isEqualTo(1);
        assertThat(predicted.err()).isEqualTo("nothere.jpg: error: file not found\n");
    }

    @Test
    void aFolderGivenAsTheModelIsCalledAFolder() {
        Cli predicted = Cli.run("predict", "--model", dir.toString(), "nothere.jpg");
        assertThat(predicted.exitCode()).isEqualTo(1);
        assertThat(predicted.err()).isEqualTo("error: Model file " + dir + " is a directory, not an .onnx file (set --model / MODEL_PATH)\n");
    }

    @Test
    void aBusyPortIsOneClearLineBeforeAnyModelIsLoaded() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path missing = dir.resolve("no-model-needed.onnx");
            Cli served = Cli.run("serve", "--host", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()),
                    "--model", missing.toString());
            assertThat(served.exitCode()).isEqualTo(1);
            assertThat(served.err()).isEqualTo("error: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use "
                    + "(is another server running?); choose another with --port or API_PORT\n");
            assertThat(Files.exists(missing)).isFalse();
        }
    }

    @Test
    void runSaysWhereCaltechComesFromAndHasOneOutputFolderOption() {
        Cli help = Cli.run("run", "--help");
        assertThat(help.out()).contains("CALTECH101_URL").contains("--out=DIR").doesNotContain("--data-dir");
    }
}

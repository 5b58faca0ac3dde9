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
        assertThat(predicted.err()).isEqualTo("error: Model file " + dir + " is a directory, not an .onnx file (set --model / MODEL_PATH to an .onnx file)\n");
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

    /** Issue 21, hole 7: a damaged classifier is refused with what happened and what to do. */
    @Test
    void aDamagedModelIsRefusedAsDamaged() throws Exception {
        byte[] bytes = Files.readAllBytes(Path.of("model/classifier.onnx"));
        for (int i = bytes.length * 3 / 4; i < bytes.length * 3 / 4 + 50; i++) {
            bytes[i] ^= (byte) 0xFF;
        }
        Path damaged = Files.write(dir.resolve("classifier.onnx"), bytes);
        Cli predicted = Cli.run("predict", "--model", damaged.toString(), "../shared/datasets/caltech101/101_ObjectCategories/airplanes/image_0001.jpg");
        assertThat(predicted.exitCode()).isEqualTo(1);
        assertThat(predicted.err()).startsWith("error: " + damaged + " is damaged: its content does not match the digest")
                .contains("(the file was damaged after it was written: restore it from a copy, or train it again with `train`)");
    }

    @Test
    void aFolderGivenAsAnImageIsCalledAFolder() {
        Cli predicted = Cli.run("predict", dir.toString());
        assertThat(predicted.exitCode()).isEqualTo(1);
        assertThat(predicted.err()).isEqualTo(dir + ": error: a folder, not an image (give its files, e.g. " + dir.resolve("*.jpg") + ")\n");
    }

    @Test
    void anOutputFolderThatCannotBeMadeSaysWhyNotJustItsPath() throws Exception {
        Path data = dir.resolve("photos");
        for (String label : java.util.List.of("cats", "dogs")) {
            for (int i = 0; i < 2; i++) {
                Files.write(Files.createDirectories(data.resolve(label)).resolve(i + ".jpg"),
                        dev.imageclassifier.TestImages.jpeg(dev.imageclassifier.TestImages.scene(32, 32)));
            }
        }
        Path file = Files.writeString(dir.resolve("a-file"), "in the way");
        Cli prepared = Cli.run("prepare", "--data", data.toString(), "--out", file.resolve("data").toString());
        assertThat(prepared.exitCode()).isEqualTo(1);
        assertThat(prepared.err()).isEqualTo("error: Not a directory: " + file.resolve("data") + "\n");
    }

    @Test
    void anAddressOfAnotherMachineIsNotCalledABusyPort() {
        // 10.255.255.1 is no address of this machine: binding to it fails at once, and nothing is sent anywhere
        Cli served = Cli.run("serve", "--host", "10.255.255.1", "--port", "8123", "--model", dir.resolve("none.onnx").toString());
        assertThat(served.exitCode()).isEqualTo(1);
        assertThat(served.err()).isEqualTo("error: 10.255.255.1 is not an address of this machine; listen on 0.0.0.0 (every "
                + "interface), 127.0.0.1 (this machine only) or one of its own addresses (--host or API_HOST)\n");
    }
}

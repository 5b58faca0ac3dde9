package dev.imageclassifier.cli;

import dev.imageclassifier.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommandLineTest {

    @TempDir
    Path dir;

    @Test
    void helpListsEveryCommand() {
        Cli help = Cli.run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("prepare", "train", "evaluate", "predict");
    }

    @Test
    void commandHelpExplainsOptionsAndEnvironmentVariables() {
        Cli help = Cli.run("train", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--recipe", "reference|default", "--backbone", "env BACKBONE", "MODEL_PATH", "--offline");
    }

    @Test
    void aMissingDataFolderFailsWithOneLine() {
        Cli result = Cli.run("prepare", "--data", dir.resolve("nowhere").toString(), "--out", dir.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().strip()).startsWith("error: Data folder not found").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Cli result = Cli.run("train", "--no-such-option");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Unknown option: '--no-such-option'");
    }

    @Test
    void predictPrintsTopKAndReportsBadFilesWithoutStopping() throws Exception {
        Path model = TestModels.randomHeadClassifier(dir.resolve("model"), List.of("alpha", "beta", "gamma"), 3);
        Path image = TestModels.CALTECH.resolve("airplanes/image_0001.jpg");
        Path text = Files.writeString(dir.resolve("notes.jpg"), "not an image");
        Cli result = Cli.run("predict", "--model", model.toString(), "--top-k", "2", image.toString(), text.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).startsWith(image + ":").containsPattern("(alpha|beta|gamma) \\d+\\.\\d\\d%");
        assertThat(result.err()).contains(text + ": error: Invalid file type");
    }

    @Test
    void predictOnABackboneFileSaysItIsNotAClassifier() {
        Cli result = Cli.run("predict", "--model", TestModels.MOBILENET.toString(),
                TestModels.CALTECH.resolve("airplanes/image_0001.jpg").toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("not a classifier made by this project");
    }
}

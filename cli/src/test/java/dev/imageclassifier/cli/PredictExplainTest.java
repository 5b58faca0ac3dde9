package dev.imageclassifier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.TestModels;
import dev.imageclassifier.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code predict --explain OUT_DIR} with the committed classifier on real Caltech images. */
class PredictExplainTest {

    private static final String MODEL = "model/classifier.onnx";

    @TempDir
    Path dir;

    @Test
    void oneOverlayPerImageEvenForImagesOfTheSameNameAndNoneForABadFile() throws Exception {
        Path plane = TestModels.CALTECH.resolve("airplanes/image_0001.jpg");
        Path car = TestModels.CALTECH.resolve("car_side/image_0001.jpg");
        Path text = Files.writeString(dir.resolve("notes.jpg"), "not an image");
        Path out = dir.resolve("heatmaps");
        Cli result = Cli.run("predict", "--model", MODEL, "--explain", out.toString(), plane.toString(), text.toString(), car.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains(text + ": error: Invalid file type");
        assertThat(result.out()).contains(plane + ": airplanes", "(heatmap: " + out.resolve("image_0001-heatmap.png") + ")",
                car + ": car_side", "(heatmap: " + out.resolve("image_0001-2-heatmap.png") + ")");
        try (var files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted())
                    .containsExactly("image_0001-2-heatmap.png", "image_0001-heatmap.png");
        }
        BufferedImage overlay = ImageIO.read(out.resolve("image_0001-2-heatmap.png").toFile());
        BufferedImage original = ImageIO.read(car.toFile());
        assertThat(overlay.getWidth()).isEqualTo(original.getWidth());
        assertThat(overlay.getHeight()).isEqualTo(original.getHeight());
    }

    @Test
    void jsonLinesNameTheOverlay() throws Exception {
        Path plane = TestModels.CALTECH.resolve("airplanes/image_0010.jpg");
        Path out = dir.resolve("why");
        Cli result = Cli.run("predict", "--json", "--model", MODEL, "--explain", out.toString(), plane.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode line = Json.MAPPER.readTree(result.out().strip());
        assertThat(line.get("predicted_class").asText()).isEqualTo("airplanes");
        assertThat(Path.of(line.get("heatmap").asText())).isEqualTo(out.resolve("image_0010-heatmap.png")).isRegularFile();
    }

    @Test
    void anOutputFolderThatIsAFileIsAUsageError() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        Cli result = Cli.run("predict", "--model", MODEL, "--explain", file.toString(),
                TestModels.CALTECH.resolve("airplanes/image_0001.jpg").toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--explain: cannot create the folder " + file + " (it is a file)");
    }
}

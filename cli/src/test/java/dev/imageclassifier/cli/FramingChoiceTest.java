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
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The framing is chosen for the dataset, not fixed: Caltech-101 gets the whole image (its objects fill the
 * frame, see the README), while a dataset whose photos have clutter around the object gets the centre crop.
 */
class FramingChoiceTest {

    private static final List<String> CLASSES = List.of("accordion", "anchor", "ant", "barrel", "bass", "beaver",
            "binocular", "bonsai", "brain", "brontosaurus");

    @TempDir
    Path dir;

    @Test
    void photosFramedByClutterGetTheCentreCrop() throws Exception {
        Path data = dir.resolve("images");
        Random noise = new Random(7);
        for (String name : CLASSES) {
            Files.createDirectories(data.resolve(name));
            try (var images = Files.list(TestModels.CALTECH.resolve(name))) {
                for (Path image : images.sorted().limit(40).toList()) {
                    ImageIO.write(inClutter(ImageIO.read(image.toFile()), noise), "png",
                            data.resolve(name).resolve(image.getFileName() + ".png").toFile());
                }
            }
        }
        assertThat(Cli.run("prepare", "--data", data.toString(), "--out", dir.resolve("data").toString()).exitCode()).isZero();
        Cli trained = Cli.run("train", "--split", dir.resolve("data/split.csv").toString(), "--backbone", TestModels.MOBILENET.toString(),
                "--model", dir.resolve("model/classifier.onnx").toString(), "--results", dir.resolve("results").toString(),
                "--cache-dir", dir.resolve("cache").toString(), "--no-progress", "--offline");
        assertThat(trained.exitCode()).as(trained.err()).isZero();

        JsonNode framing = Json.MAPPER.readTree(dir.resolve("results/metrics.json").toFile()).get("framing");
        assertThat(framing.get("chosen").asText()).as(framing.toString()).isEqualTo("center-crop");
    }

    /**
     * The photo in the middle of a square of random pixels, sized so that the centre crop (the middle 87.5 %)
     * holds the photo's longer side exactly and the whole image shows all the clutter too.
     */
    private static BufferedImage inClutter(BufferedImage photo, Random noise) {
        int side = (int) Math.round(Math.max(photo.getWidth(), photo.getHeight()) / 0.875);
        BufferedImage square = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                square.setRGB(x, y, noise.nextInt(1 << 24));
            }
        }
        square.createGraphics().drawImage(photo, (side - photo.getWidth()) / 2, (side - photo.getHeight()) / 2, null);
        return square;
    }
}

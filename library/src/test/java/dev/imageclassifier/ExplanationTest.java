package dev.imageclassifier;

import dev.imageclassifier.vision.Preprocessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Class activation maps of the committed classifier (real MobileNetV2-int8 + trained head) on real images. */
class ExplanationTest {

    private static final Path MODEL = Path.of("model/classifier.onnx");
    private static ImageClassifier classifier;

    @BeforeAll
    static void load() throws Exception {
        classifier = ImageClassifier.load(MODEL);
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    /** The peak cell's centre in the photo's own pixels, through the framing the model used. */
    private static double[] peakInPhoto(Explanation explanation, int width, int height) {
        Preprocessor.Box box = new Preprocessor(classifier.metadata().preprocessing()).box(width, height);
        int[] peak = explanation.peak();
        return new double[] {box.x0() + (peak[0] + 0.5) / explanation.width() * (box.x1() - box.x0()),
                box.y0() + (peak[1] + 0.5) / explanation.height() * (box.y1() - box.y0())};
    }

    @ParameterizedTest(name = "{0}: the peak lies in the hand-drawn box ({1},{2})–({3},{4})")
    @CsvSource({
            "airplanes/image_0010.jpg, 55, 25, 335, 105",
            "car_side/image_0001.jpg, 60, 70, 235, 135",
            "soccer_ball/image_0001.jpg, 115, 25, 270, 205",
    })
    void thePeakOfTheTopClassLiesOnTheObject(String file, int x0, int y0, int x1, int y1) throws Exception {
        byte[] bytes = Files.readAllBytes(TestModels.CALTECH.resolve(file));
        BufferedImage photo = ImageIO.read(new ByteArrayInputStream(bytes));
        Explanation explanation = classifier.explain(bytes, null);
        assertThat(explanation.label()).isEqualTo(file.substring(0, file.indexOf('/')));
        assertThat(explanation.width()).isEqualTo(7);
        assertThat(explanation.height()).isEqualTo(7);
        double[] peak = peakInPhoto(explanation, photo.getWidth(), photo.getHeight());
        assertThat(peak[0]).as("peak x").isBetween((double) x0, (double) x1);
        assertThat(peak[1]).as("peak y").isBetween((double) y0, (double) y1);
    }

    @Test
    void thePeakFollowsAnObjectMovedAcrossAFlatBackground() throws Exception {
        BufferedImage ball = ImageIO.read(TestModels.CALTECH.resolve("soccer_ball/image_0001.jpg").toFile())
                .getSubimage(120, 30, 145, 145);
        int[][] places = {{40, 40}, {215, 40}, {40, 215}, {215, 215}};
        for (int[] place : places) {
            BufferedImage canvas = new BufferedImage(400, 400, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = canvas.createGraphics();
            g.setColor(new Color(128, 128, 128));
            g.fillRect(0, 0, 400, 400);
            g.drawImage(ball.getScaledInstance(145, 145, java.awt.Image.SCALE_SMOOTH), place[0], place[1], null);
            g.dispose();
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(canvas, "png", png);
            Explanation explanation = classifier.explain(png.toByteArray(), "soccer_ball");
            double[] peak = peakInPhoto(explanation, 400, 400);
            assertThat(peak[0]).as("peak x for the ball at %d,%d", place[0], place[1]).isBetween(place[0] - 10.0, place[0] + 155.0);
            assertThat(peak[1]).as("peak y for the ball at %d,%d", place[0], place[1]).isBetween(place[1] - 10.0, place[1] + 155.0);
        }
    }

    @Test
    void withFlipAveragingTheMirroredViewsMapIsTurnedBackBeforeAveraging() throws Exception {
        BufferedImage ball = ImageIO.read(TestModels.CALTECH.resolve("soccer_ball/image_0001.jpg").toFile())
                .getSubimage(120, 30, 145, 145);
        BufferedImage canvas = new BufferedImage(400, 400, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, 400, 400);
        g.drawImage(ball, 215, 130, null); // on the right: a map averaged unmirrored would be symmetric
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(canvas, "png", png);
        try (ImageClassifier flipping = ImageClassifier.load(MODEL, ClassifierOptions.builder().flipAveraging(true).build())) {
            Explanation explanation = flipping.explain(png.toByteArray(), "soccer_ball");
            assertThat(peakInPhoto(explanation, 400, 400)[0]).as("peak x").isBetween(205.0, 370.0);
            float[][] grid = explanation.grid();
            int[] peak = explanation.peak();
            assertThat(grid[peak[1]][peak[0]]).as("the peak beats its mirror cell")
                    .isGreaterThan(grid[peak[1]][grid[0].length - 1 - peak[0]]);
        }
    }

    @Test
    void anotherClassCanBeExplainedAndItsPredictionIsThePlainOne() throws Exception {
        byte[] bytes = Files.readAllBytes(TestModels.CALTECH.resolve("car_side/image_0001.jpg"));
        Explanation explanation = classifier.explain(bytes, "airplanes");
        assertThat(explanation.label()).isEqualTo("airplanes");
        assertThat(explanation.prediction().label()).isEqualTo("car_side");
        assertThat(explanation.prediction().probabilities()).containsExactly(classifier.classify(bytes).probabilities(), within(1e-5f));
        float max = 0;
        float min = 1;
        for (float[] row : explanation.grid()) {
            for (float v : row) {
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
        }
        assertThat(max).isEqualTo(1f);
        assertThat(min).isEqualTo(0f);
    }

    @Test
    void anUnknownClassIsRefusedByName() {
        assertThatThrownBy(() -> classifier.explain(new byte[] {1}, "unicorn"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown class 'unicorn'");
    }

    @Test
    void theOverlayIsAPngOfThePhotoAtItsOwnShape() throws Exception {
        byte[] bytes = Files.readAllBytes(TestModels.CALTECH.resolve("airplanes/image_0010.jpg"));
        BufferedImage overlay = ImageIO.read(new ByteArrayInputStream(classifier.heatmapPng(bytes, classifier.explain(bytes, null))));
        assertThat(overlay.getWidth()).isEqualTo(397);
        assertThat(overlay.getHeight()).isEqualTo(137);
    }
}

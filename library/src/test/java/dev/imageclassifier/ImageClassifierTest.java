package dev.imageclassifier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The library's front door on the committed Caltech-101 model and real Caltech images. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ImageClassifierTest {

    private static final Path MODEL = Path.of("model", "classifier.onnx");
    private static final List<String> CLASSES = List.of("airplanes", "Motorbikes", "Faces", "watch", "Leopards", "ketch",
            "chandelier", "bonsai", "car_side", "laptop", "grand_piano", "sunflower");

    private static ImageClassifier classifier;

    @BeforeAll
    static void load() throws Exception {
        classifier = ImageClassifier.load(MODEL);
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    private static byte[] caltech(String label) throws Exception {
        return Files.readAllBytes(TestModels.CALTECH.resolve(label + "/image_0001.jpg"));
    }

    @Test
    void aCaltechAirplaneIsAnAirplaneWithItsTopFive() throws Exception {
        Prediction p = classifier.classify(caltech("airplanes"));
        assertThat(p.label()).isEqualTo("airplanes");
        assertThat(p.confidence()).isBetween(0.5f, 1f);
        List<ScoredLabel> top = p.top(5);
        assertThat(top).hasSize(5);
        assertThat(top.get(0)).isEqualTo(new ScoredLabel("airplanes", p.confidence()));
        assertThat(top).extracting(ScoredLabel::confidence).isSortedAccordingTo((a, b) -> Float.compare(b, a));
        float sum = 0;
        for (float probability : p.probabilities()) {
            sum += probability;
        }
        assertThat(sum).isCloseTo(1f, within(1e-4f));
        assertThat(p.top(1000)).hasSize(101);
        assertThat(classifier.labels()).hasSize(101).contains("airplanes");
        assertThat(classifier.info().backbone().name()).isEqualTo("mobilenetv2-int8");
    }

    @Test
    void aFileIsClassifiedLikeItsBytesAndAMissingOneSaysSo() throws Exception {
        Path file = TestModels.CALTECH.resolve("watch/image_0001.jpg");
        assertThat(classifier.classify(file)).isEqualTo(classifier.classify(Files.readAllBytes(file)));
        assertThatThrownBy(() -> classifier.classify(Path.of("no/such/photo.jpg"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void badBytesAreATypedErrorNotAnInternalOne() {
        assertThatThrownBy(() -> classifier.classify("just some text".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidImageException.class).hasMessageStartingWith("Invalid file type");
        assertThatThrownBy(() -> classifier.classify(new byte[0]))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("Empty");
    }

    @Test
    void anImageAboveThePixelLimitIsTooLargeBeforeDecoding() throws Exception {
        try (ImageClassifier strict = ImageClassifier.load(MODEL, ClassifierOptions.builder().maxMegapixels(0.01).build())) {
            assertThatThrownBy(() -> strict.classify(caltech("airplanes")))
                    .isInstanceOf(ImageTooLargeException.class).hasMessageContaining("above the limit of 0.0 megapixels");
        }
    }

    @Test
    void classifyAllAnswersEveryImageWithAPredictionOrItsOwnError() throws Exception {
        List<Classification> results = classifier.classifyAll(List.of(caltech("Motorbikes"), new byte[] {1, 2, 3}, caltech("Faces")));
        assertThat(results).hasSize(3);
        assertThat(results.get(0).prediction().label()).isEqualTo("Motorbikes");
        assertThat(results.get(1).isSuccess()).isFalse();
        assertThat(results.get(1).error()).isInstanceOf(InvalidImageException.class);
        assertThat(results.get(2).prediction().label()).isEqualTo("Faces");
    }

    @Test
    void eightThreadsSharingOneClassifierGetTheAnswersOfOne() throws Exception {
        List<byte[]> images = new ArrayList<>();
        List<Prediction> alone = new ArrayList<>();
        for (String label : CLASSES) {
            images.add(caltech(label));
            alone.add(classifier.classify(images.get(images.size() - 1)));
        }
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Prediction>>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                runs.add(threads.submit(() -> {
                    List<Prediction> seen = new ArrayList<>();
                    for (int i = 0; i < images.size(); i++) {
                        seen.add(classifier.classify(images.get((i + offset) % images.size())));
                    }
                    return seen;
                }));
            }
            int batched = 0;
            for (int t = 0; t < 8; t++) {
                List<Prediction> seen = runs.get(t).get();
                for (int i = 0; i < images.size(); i++) {
                    Prediction expected = alone.get((i + t) % images.size());
                    Prediction got = seen.get(i);
                    assertThat(got.label()).isEqualTo(expected.label());
                    assertThat(got.probabilities()).containsExactly(expected.probabilities(), within(1e-5f));
                    batched += got.timing().batchSize() > 1 ? 1 : 0;
                }
            }
            assertThat(batched).as("answers that shared a model call with another thread's image").isPositive();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void flipAveragingAveragesAnImageWithItsMirrorImage() throws Exception {
        // A square image: its centre crop is symmetric, so the mirror of the crop is the crop of the mirror.
        BufferedImage photo = ImageIO.read(new ByteArrayInputStream(caltech("ketch")));
        int side = Math.min(photo.getWidth(), photo.getHeight());
        BufferedImage square = new BufferedImage(side, side, BufferedImage.TYPE_3BYTE_BGR);
        square.createGraphics().drawImage(photo, 0, 0, null);
        AffineTransform mirror = new AffineTransform(-1, 0, 0, 1, side, 0);
        BufferedImage mirrored = new AffineTransformOp(mirror, AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(square, null);
        byte[] image = png(square);
        float[] plain = classifier.classify(image).probabilities();
        float[] flippedAlone = classifier.classify(png(mirrored)).probabilities();
        try (ImageClassifier tta = ImageClassifier.load(MODEL, ClassifierOptions.builder().flipAveraging(true).build())) {
            float[] averaged = tta.classify(image).probabilities();
            for (int c = 0; c < plain.length; c++) {
                assertThat(averaged[c]).isCloseTo((plain[c] + flippedAlone[c]) / 2, within(1e-4f));
            }
        }
    }

    private static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    @Test
    void aClosedClassifierRefusesWithAnInferenceError() throws Exception {
        ImageClassifier closed = ImageClassifier.load(MODEL);
        closed.close();
        assertThatThrownBy(() -> closed.classify(caltech("watch"))).isInstanceOf(InferenceException.class)
                .hasMessageContaining("closed");
    }
}

package dev.imageclassifier.vision;

import dev.imageclassifier.Device;
import dev.imageclassifier.TestModels;
import dev.imageclassifier.inference.TensorBatch;
import dev.imageclassifier.model.ClassifierModel;
import dev.imageclassifier.model.RuntimeOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact path gives the tensors of the code before reduced decoding existed, bit for bit:
 * {@code exact-tensors.txt} holds their hashes as that code computed them for the 1,736 Caltech-101 validation
 * images and the photos. The fast path (libjpeg-turbo for every JPEG, the one-pass resampler) stays within
 * float rounding of it on images decoded at full size.
 */
class ExactPathTest {

    private static final Path DATASETS = TestModels.SHARED.resolve("datasets");
    private final Preprocessor preprocessor = new Preprocessor(Preprocessing.IMAGENET);

    /**
     * Bound on |fast - exact| for an image decoded at full size, in normalised units (one grey level is about
     * 0.017 of them): the two resampling orders add the same products in another order. Measured: 1.4e-6 (0.0001 grey levels); 1,190 of the 1,736 images bit for bit.
     */
    static final double FULL_SIZE_BOUND = 1e-5;

    @Test
    void caltechValidationImagesGiveTheSameTensorsAsBeforeOnTheExactPathAndWithinRoundingOnTheFastOne() throws Exception {
        ImageDecoder fast = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, DecodeBudget.PROCESS, false);
        ImageDecoder exact = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, DecodeBudget.PROCESS, true);
        Map<String, String> expected = expected("caltech101/");
        assertThat(expected).hasSize(1736);
        List<String> differing = new ArrayList<>();
        double worst = 0;
        int identical = 0;
        for (Map.Entry<String, String> image : expected.entrySet()) {
            byte[] bytes = Files.readAllBytes(DATASETS.resolve(image.getKey()));
            float[] exactTensor = exact.tensor(bytes, preprocessor);
            String served = hash(exactTensor);
            // Training's entry point, through libjpeg-turbo at full size: ImageIO's pixels exactly.
            String trained = hash(fast.decode(bytes, preprocessor.minShorterSide(), preprocessor::toTensor));
            if (!served.equals(image.getValue()) || !trained.equals(image.getValue())) {
                differing.add(image.getKey());
            }
            double difference = maxAbsoluteDifference(fast.tensor(bytes, preprocessor), exactTensor);
            worst = Math.max(worst, difference);
            identical += difference == 0 ? 1 : 0;
        }
        assertThat(differing).isEmpty();
        assertThat(worst).as("max |fast - exact| over the validation images, normalised units").isLessThan(FULL_SIZE_BOUND);
        assertThat(identical).as("images whose fast tensor is bit for bit the exact one").isGreaterThan(0);
    }

    static double maxAbsoluteDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void theExactSwitchKeepsEveryPhotoBitForBitWhateverItsSizeAndTheFastPathClassifiesThemAlike() throws Exception {
        ImageDecoder exact = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, DecodeBudget.PROCESS, true);
        ImageDecoder fast = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, DecodeBudget.PROCESS, false);
        Map<String, String> expected = expected("photos/");
        assertThat(expected).hasSizeGreaterThan(60).containsKey("photos/mobile/HMD_Nokia_8.3_5G.jpg");
        int agree = 0;
        double worstMean = 0;
        try (ClassifierModel classifier = ClassifierModel.load(COMMITTED_MODEL, new RuntimeOptions(1, Device.CPU))) {
            Preprocessor served = new Preprocessor(classifier.metadata().preprocessing());
            TensorBatch batch = new TensorBatch(2, served.settings().rowShape());
            for (Map.Entry<String, String> photo : expected.entrySet()) {
                byte[] bytes = Files.readAllBytes(DATASETS.resolve(photo.getKey()));
                assertThat(hash(exact.tensor(bytes, preprocessor))).as(photo.getKey()).isEqualTo(photo.getValue());
                float[] exactTensor = exact.tensor(bytes, served);
                float[] fastTensor = fast.tensor(bytes, served);
                worstMean = Math.max(worstMean, meanAbsoluteDifference(fastTensor, exactTensor));
                batch.clear();
                batch.add(exactTensor);
                batch.add(fastTensor);
                float[][] scores = classifier.run(batch);
                agree += argmax(scores[0]) == argmax(scores[1]) ? 1 : 0;
            }
        }
        // Photos of up to 9 MP, reduced by DCT scaling (1/2 to 1/8) on the fast path; those with Apple's "Generic RGB"
        // profile converted to sRGB as the JDK decoder does. Measured: worst mean 0.053 (a 640×480 photo at 1/2), 53 of 64
        // agree. Most of these photos show nothing of Caltech-101's classes, so their top class is often a near-tie; on
        // Caltech images made 12 MP the agreement is 96.5 % (docs/benchmarks.md).
        assertThat(worstMean).as("worst mean |fast - exact| of a photo, normalised units").isLessThan(PHOTO_MEAN_BOUND);
        assertThat((double) agree / expected.size()).as("top-1 agreement with the exact path").isGreaterThanOrEqualTo(0.75);
    }

    /** Bound on the mean |fast - exact| of a reduced photo, normalised units (0.0175 is about a grey level). */
    static final double PHOTO_MEAN_BOUND = 0.08;

    private static final Path COMMITTED_MODEL = Path.of("model", "classifier.onnx").toAbsolutePath();

    static double meanAbsoluteDifference(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            best = values[i] > values[best] ? i : best;
        }
        return best;
    }

    /**
     * Where the JDK's own JPEG decoder changed, the exact path follows it: ImageIO on JDK 25 gives other pixels
     * than on JDK 17 for this small GIMP-saved JFIF + Exif file (checked with {@code ImageIO.read} alone).
     */
    private static final Map<String, String> JDK_25_DECODER = Map.of("photos/Panasonic_DMC-FZ30.jpg", "44301697fb05608e");

    private static Map<String, String> expected(String prefix) throws IOException {
        Map<String, String> hashes = new LinkedHashMap<>();
        try (InputStream in = ExactPathTest.class.getResourceAsStream("exact-tensors.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith(prefix)) {
                    int space = line.lastIndexOf(' ');
                    hashes.put(line.substring(0, space), line.substring(space + 1));
                }
            }
        }
        if (Runtime.version().feature() >= 25) {
            JDK_25_DECODER.forEach((image, hash) -> hashes.replace(image, hash));
        }
        return hashes;
    }

    /** The first 8 bytes of the SHA-256 of the floats, little-endian, in hex (the fixture's form). */
    static String hash(float[] tensor) throws NoSuchAlgorithmException {
        ByteBuffer bytes = ByteBuffer.allocate(tensor.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(tensor);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()), 0, 8);
    }
}

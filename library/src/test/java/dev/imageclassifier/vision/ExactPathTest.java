package dev.imageclassifier.vision;

import dev.imageclassifier.TestModels;
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
     * 0.017 of them): the two resampling orders add the same products in another order. Measured: 1.9e-6.
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
    void theExactSwitchKeepsEveryPhotoBitForBitWhateverItsSize() throws Exception {
        ImageDecoder exact = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, DecodeBudget.PROCESS, true);
        Map<String, String> expected = expected("photos/");
        assertThat(expected).hasSizeGreaterThan(60).containsKey("photos/mobile/HMD_Nokia_8.3_5G.jpg");
        for (Map.Entry<String, String> photo : expected.entrySet()) {
            byte[] bytes = Files.readAllBytes(DATASETS.resolve(photo.getKey()));
            assertThat(hash(exact.tensor(bytes, preprocessor))).as(photo.getKey()).isEqualTo(photo.getValue());
        }
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

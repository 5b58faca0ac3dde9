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
 * Images at or below twice what the preprocessing reads, and every image on the exact path, give the
 * tensors of the code before reduced decoding existed, bit for bit: {@code exact-tensors.txt} holds
 * their hashes as that code computed them for the 1,736 Caltech-101 validation images and the photos.
 */
class ExactPathTest {

    private static final Path DATASETS = TestModels.SHARED.resolve("datasets");
    private final Preprocessor preprocessor = new Preprocessor(Preprocessing.IMAGENET);

    @Test
    void caltechValidationImagesGiveTheSameTensorsAsBeforeOnEveryEntryPoint() throws Exception {
        ImageDecoder decoder = new ImageDecoder(); // the default: reduced decoding where it applies
        Map<String, String> expected = expected("caltech101/");
        assertThat(expected).hasSize(1736);
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, String> image : expected.entrySet()) {
            byte[] bytes = Files.readAllBytes(DATASETS.resolve(image.getKey()));
            String served = hash(decoder.tensor(bytes, preprocessor));
            String trained = hash(decoder.decode(bytes, preprocessor.minShorterSide(), preprocessor::toTensor));
            if (!served.equals(image.getValue()) || !trained.equals(image.getValue())) {
                differing.add(image.getKey());
            }
        }
        assertThat(differing).isEmpty();
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

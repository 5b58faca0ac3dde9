package dev.imageclassifier.vision;

import dev.imageclassifier.Framing;
import dev.imageclassifier.model.ModelMetadata;
import dev.imageclassifier.model.PreprocessingProperties;
import dev.imageclassifier.io.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Each framing against pixels worked out by hand, and the framing's way through a classifier file's metadata. */
class FramingTest {

    private static final float[] MEAN = {0, 0, 0};
    private static final float[] STD = {1, 1, 1};

    /** A grey-level ramp: pixel (x, y) = 10·y + x in every channel. */
    private static RgbImage ramp(int width, int height) {
        RgbImage image = RgbImage.blank(width, height);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    image.pixels()[c * width * height + y * width + x] = 10 * y + x;
                }
            }
        }
        return image;
    }

    private static float at(RgbImage image, int x, int y) {
        return image.pixels()[y * image.width() + x];
    }

    @Test
    void theCentreCropScalesTheShorterSideTo8Over7OfTheCropAndCutsTheMiddle() {
        // crop 7 → shorter side 8 (7 / 0.875): a 16×8 image is not scaled; crop offsets rint(4.5) = 4 and rint(0.5) = 0.
        Preprocessing centre = new Preprocessing(8, 7, MEAN, STD).withFraming(Framing.CENTER_CROP);
        assertThat(centre.resize()).isEqualTo(8);
        RgbImage out = new Preprocessor(centre).centerCrop(ramp(16, 8));
        assertThat(out.width()).isEqualTo(7);
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 7; x++) {
                assertThat(at(out, x, y)).isCloseTo(10 * y + x + 4, within(1e-4f));
            }
        }
    }

    @Test
    void theShortSideFramingKeepsTheWholeShorterSide() {
        Preprocessing shortSide = new Preprocessing(8, 8, MEAN, STD).withFraming(Framing.SHORT_SIDE);
        RgbImage out = new Preprocessor(shortSide).centerCrop(ramp(16, 8));
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertThat(at(out, x, y)).isCloseTo(10 * y + x + 4, within(1e-4f)); // every row, columns 4-11
            }
        }
    }

    @Test
    void theWholeFramingSqueezesTheWholeImageWithPillowsTriangleFilter() {
        // 6×2, left half A = 0, right half B = 80, to 2×2: output column 0 is centred on source x = 1.5 with support 3:
        // weights 2/3, 1, 2/3 on A and 1/3 on B (and 0), so (7A + B) / 8; column 1 mirrors it.
        RgbImage image = RgbImage.blank(6, 2);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 2; y++) {
                for (int x = 3; x < 6; x++) {
                    image.pixels()[c * 12 + y * 6 + x] = 80;
                }
            }
        }
        Preprocessing whole = new Preprocessing(2, 2, MEAN, STD).withFraming(Framing.WHOLE);
        RgbImage out = new Preprocessor(whole).centerCrop(image);
        assertThat(at(out, 0, 0)).isCloseTo(10f, within(1e-4f));
        assertThat(at(out, 1, 0)).isCloseTo(70f, within(1e-4f));
        assertThat(at(out, 0, 1)).isCloseTo(10f, within(1e-4f));
    }

    @Test
    void theFramingSurvivesTheMetadataRoundTripAndAnOldFileWithoutItIsACentreCrop() throws Exception {
        Preprocessing whole = Preprocessing.IMAGENET.withFraming(Framing.WHOLE);
        String json = Json.compact(PreprocessingProperties.of(whole));
        assertThat(json).contains("\"framing\":\"whole\"");
        assertThat(Json.MAPPER.readValue(json, PreprocessingProperties.class).toPreprocessing()).isEqualTo(whole);

        String before = "{\"resize\":256,\"crop\":224,\"mean\":[0.485,0.456,0.406],\"std\":[0.229,0.224,0.225]}";
        assertThat(Json.MAPPER.readValue(before, PreprocessingProperties.class).toPreprocessing()).isEqualTo(Preprocessing.IMAGENET);
        Map<String, String> props = new java.util.HashMap<>(new ModelMetadata(java.util.List.of("a", "b"), Preprocessing.IMAGENET,
                "b", "", 1, Map.of(), Map.of(), "", "").toProperties());
        props.put(ModelMetadata.PREPROCESSING, before);
        assertThat(ModelMetadata.fromProperties(props).preprocessing().framing()).isEqualTo(Framing.CENTER_CROP);
    }

    @Test
    void theCacheKeyOfTheCentreCropIsWhatItWasBeforeFramingsExisted() {
        assertThat(Preprocessing.IMAGENET.describe()).doesNotContain("framing");
        assertThat(Preprocessing.IMAGENET.withFraming(Framing.WHOLE).describe()).endsWith(",framing=whole");
    }
}

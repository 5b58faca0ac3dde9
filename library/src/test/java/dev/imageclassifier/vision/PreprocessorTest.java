package dev.imageclassifier.vision;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PreprocessorTest {

    private static RgbImage gradient(int width, int height) {
        RgbImage image = RgbImage.blank(width, height);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    image.pixels()[c * image.area() + y * width + x] = (x * 7 + y * 3 + c * 50) % 256;
                }
            }
        }
        return image;
    }

    @Test
    void downscalingByTwoUsesPillowsAntialiasedTriangleWeights() {
        // 4 → 2 pixels: support 2; output 0 (centre 1) weighs inputs 0, 1, 2 as 3/7, 3/7, 1/7,
        // output 1 (centre 3) weighs inputs 1, 2, 3 as 1/7, 3/7, 3/7 (input 4 would be outside).
        RgbImage row = new RgbImage(4, 1, new float[] {10, 20, 30, 40, 10, 20, 30, 40, 10, 20, 30, 40});
        RgbImage out = Resampler.resize(row, 0, 0, 4, 1, 2, 1);
        assertThat(out.pixels()[0]).isCloseTo((3 * 10 + 3 * 20 + 30) / 7f, within(1e-4f));
        assertThat(out.pixels()[1]).isCloseTo((20 + 3 * 30 + 3 * 40) / 7f, within(1e-4f));
    }

    @Test
    void aConstantImageStaysConstantAtAnyScale() {
        RgbImage flat = RgbImage.blank(37, 23);
        java.util.Arrays.fill(flat.pixels(), 77f);
        for (int size : new int[] {5, 23, 64, 300}) {
            RgbImage out = Resampler.resize(flat, 0, 0, 37, 23, size, size);
            for (float v : out.pixels()) {
                assertThat(v).isCloseTo(77f, within(1e-3f));
            }
        }
    }

    @Test
    void centreCropOfTheBoxEqualsResizingTheWholeImageThenCropping() {
        RgbImage image = gradient(300, 200);
        Preprocessor preprocessor = new Preprocessor(Preprocessing.IMAGENET);
        RgbImage cropped = preprocessor.centerCrop(image);
        // torchvision: 300×200 → 384×256, crop offsets (round(80), round(16)) = (80, 16).
        RgbImage full = Resampler.resize(image, 0, 0, 300, 200, 384, 256);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 224; y += 17) {
                for (int x = 0; x < 224; x += 13) {
                    assertThat(cropped.pixels()[c * 224 * 224 + y * 224 + x])
                            .isCloseTo(full.pixels()[c * full.area() + (y + 16) * 384 + x + 80], within(1e-3f));
                }
            }
        }
    }

    @Test
    void tensorsAreNormalisedPerChannelInRgbOrder() {
        RgbImage image = RgbImage.blank(256, 256);
        java.util.Arrays.fill(image.pixels(), 0, 256 * 256, 255f); // pure red
        float[] tensor = new Preprocessor(Preprocessing.IMAGENET).toTensor(image);
        assertThat(tensor).hasSize(3 * 224 * 224);
        assertThat(tensor[0]).isCloseTo((1 - 0.485f) / 0.229f, within(1e-4f));
        assertThat(tensor[224 * 224]).isCloseTo((0 - 0.456f) / 0.224f, within(1e-4f));
        assertThat(tensor[2 * 224 * 224]).isCloseTo((0 - 0.406f) / 0.225f, within(1e-4f));
    }

    @Test
    void augmentationIsReproducibleFromItsSeedAndVariesAcrossSeeds() {
        RgbImage image = gradient(320, 240);
        RgbImage a = Augmentation.DEFAULT.apply(image, new Preprocessor.Box(0, 0, image.width(), image.height(), 224, 224), 224, new SplittableRandom(7));
        RgbImage b = Augmentation.DEFAULT.apply(image, new Preprocessor.Box(0, 0, image.width(), image.height(), 224, 224), 224, new SplittableRandom(7));
        RgbImage c = Augmentation.DEFAULT.apply(image, new Preprocessor.Box(0, 0, image.width(), image.height(), 224, 224), 224, new SplittableRandom(8));
        assertThat(a.width()).isEqualTo(224);
        assertThat(a.pixels()).containsExactly(b.pixels());
        assertThat(a.pixels()).isNotEqualTo(c.pixels());
    }

    @Test
    void randomCropsStayInsideTheImageWithinTheScaleRange() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 500; i++) {
            int[] box = Augmentation.DEFAULT.randomCrop(300, 200, random);
            assertThat(box[0]).isGreaterThanOrEqualTo(0);
            assertThat(box[1]).isGreaterThanOrEqualTo(0);
            assertThat(box[0] + box[2]).isLessThanOrEqualTo(300);
            assertThat(box[1] + box[3]).isLessThanOrEqualTo(200);
            assertThat((double) box[2] * box[3] / (300 * 200)).isBetween(0.2, 1.05);
        }
    }

    @Test
    void rotationKeepsTheCentreAndBlackensTheCorners() {
        RgbImage flat = RgbImage.blank(101, 101);
        java.util.Arrays.fill(flat.pixels(), 200f);
        RgbImage rotated = Augmentation.rotate(flat, 10);
        assertThat(rotated.pixels()[50 * 101 + 50]).isCloseTo(200f, within(1e-3f));
        assertThat(rotated.pixels()[0]).isEqualTo(0f);
    }

    @Test
    void mirroringTwiceIsTheIdentity() {
        RgbImage image = gradient(9, 4);
        assertThat(image.mirrored().pixels()).isNotEqualTo(image.pixels());
        assertThat(image.mirrored().mirrored().pixels()).containsExactly(image.pixels());
    }
}

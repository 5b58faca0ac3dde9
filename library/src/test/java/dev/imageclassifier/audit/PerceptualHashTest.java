package dev.imageclassifier.audit;

import dev.imageclassifier.TestImages;
import dev.imageclassifier.vision.ImageDecoder;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class PerceptualHashTest {

    @Test
    void aResizedReencodedCopyKeepsItsHashAnotherPhotoDoesNot() throws Exception {
        ImageDecoder decoder = new ImageDecoder();
        byte[] original = TestImages.caltech("airplanes");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(original));
        BufferedImage half = new BufferedImage(image.getWidth() / 2, image.getHeight() / 2, BufferedImage.TYPE_INT_RGB);
        half.getGraphics().drawImage(image.getScaledInstance(half.getWidth(), half.getHeight(), Image.SCALE_SMOOTH), 0, 0, null);
        long a = PerceptualHash.of(original, decoder);
        assertThat(PerceptualHash.distance(a, PerceptualHash.of(TestImages.jpeg(half), decoder))).isLessThanOrEqualTo(4);
        assertThat(PerceptualHash.distance(a, PerceptualHash.of(TestImages.caltech("sunflower"), decoder)))
                .isGreaterThan(Duplicates.MAX_HASH_BITS);
    }

    @Test
    void aJpegOrPngWithoutItsEndMarkerIsTruncated() {
        byte[] jpeg = TestImages.caltech("watch");
        assertThat(FileCheck.truncated(dev.imageclassifier.vision.ImageFormat.JPEG, jpeg)).isFalse();
        assertThat(FileCheck.truncated(dev.imageclassifier.vision.ImageFormat.JPEG, java.util.Arrays.copyOf(jpeg, jpeg.length - 100))).isTrue();
        byte[] png = TestImages.encode(TestImages.scene(40, 40), "png");
        assertThat(FileCheck.truncated(dev.imageclassifier.vision.ImageFormat.PNG, png)).isFalse();
        assertThat(FileCheck.truncated(dev.imageclassifier.vision.ImageFormat.PNG, java.util.Arrays.copyOf(png, png.length - 20))).isTrue();
    }
}

package dev.imageclassifier.vision;

import dev.imageclassifier.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ImageFormatTest {

    @Test
    void formatsAreRecognisedByTheirBytes() {
        BufferedImage image = TestImages.halves(8, 8, BufferedImage.TYPE_INT_RGB);
        assertThat(ImageFormat.sniff(TestImages.jpeg(image))).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.sniff(TestImages.encode(image, "png"))).contains(ImageFormat.PNG);
        assertThat(ImageFormat.sniff(TestImages.encode(image, "gif"))).contains(ImageFormat.GIF);
        assertThat(ImageFormat.sniff(TestImages.encode(image, "bmp"))).contains(ImageFormat.BMP);
        assertThat(ImageFormat.sniff(TestImages.encode(image, "tiff"))).contains(ImageFormat.TIFF);
        assertThat(ImageFormat.sniff("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1))).contains(ImageFormat.WEBP);
    }

    @Test
    void textAndShortInputsAreNotImages() {
        assertThat(ImageFormat.sniff("GIF".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(ImageFormat.sniff("<html><body>".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(ImageFormat.sniff(new byte[0])).isEmpty();
        assertThat(ImageFormat.sniff("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.ISO_8859_1))).isEmpty();
    }
}

package dev.imageclassifier.vision;

import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.TestImages;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder();

    /** Mean of one channel over a region. */
    private static double mean(RgbImage image, int channel, int x0, int y0, int x1, int y1) {
        double sum = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                sum += image.pixels()[channel * image.area() + y * image.width() + x];
            }
        }
        return sum / ((x1 - x0) * (y1 - y0));
    }

    @Test
    void aBaselineJpegDecodesToItsColours() throws Exception {
        RgbImage image = decoder.decode(TestImages.jpeg(TestImages.halves(64, 32, BufferedImage.TYPE_INT_RGB)));
        assertThat(image.width()).isEqualTo(64);
        assertThat(image.height()).isEqualTo(32);
        assertThat(mean(image, 0, 0, 0, 24, 32)).isGreaterThan(230);   // left: red
        assertThat(mean(image, 2, 0, 0, 24, 32)).isLessThan(25);
        assertThat(mean(image, 2, 40, 0, 64, 32)).isGreaterThan(230);  // right: blue
    }

    @Test
    void aProgressiveJpegDecodesLikeABaselineOne() throws Exception {
        BufferedImage source = TestImages.halves(64, 32, BufferedImage.TYPE_INT_RGB);
        RgbImage baseline = decoder.decode(TestImages.jpeg(source));
        RgbImage progressive = decoder.decode(TestImages.progressiveJpeg(source));
        assertThat(mean(progressive, 0, 0, 0, 24, 32)).isCloseTo(mean(baseline, 0, 0, 0, 24, 32), org.assertj.core.data.Offset.offset(3.0));
    }

    @Test
    void grayscaleKeepsItsLevelsWithoutAGammaShift() throws Exception {
        BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = gray.getRaster();
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                raster.setSample(x, y, 0, 100);
            }
        }
        RgbImage png = decoder.decode(TestImages.encode(gray, "png"));
        for (int c = 0; c < 3; c++) {
            assertThat(mean(png, c, 0, 0, 16, 16)).isEqualTo(100.0);
        }
        RgbImage jpeg = decoder.decode(TestImages.jpeg(gray));
        assertThat(mean(jpeg, 1, 0, 0, 16, 16)).isCloseTo(100.0, org.assertj.core.data.Offset.offset(2.0));
    }

    @Test
    void transparentPixelsAreCompositedOverWhite() throws Exception {
        BufferedImage argb = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                argb.setRGB(x, y, x < 4 ? 0x00000000 : 0xFF000000); // left transparent black, right opaque black
            }
        }
        RgbImage image = decoder.decode(TestImages.encode(argb, "png"));
        assertThat(mean(image, 0, 0, 0, 4, 8)).isEqualTo(255.0);
        assertThat(mean(image, 0, 4, 0, 8, 8)).isEqualTo(0.0);
    }

    @Test
    void sixteenBitPngIsScaledTo8BitRange() throws Exception {
        RgbImage image = decoder.decode(TestImages.png16(4, 4, 65535, 32896, 0));
        assertThat(mean(image, 0, 0, 0, 4, 4)).isEqualTo(255.0);
        assertThat(mean(image, 1, 0, 0, 4, 4)).isCloseTo(128.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(mean(image, 2, 0, 0, 4, 4)).isEqualTo(0.0);
    }

    @Test
    void gifAndBmpDecode() throws Exception {
        BufferedImage source = TestImages.halves(20, 10, BufferedImage.TYPE_INT_RGB);
        for (String format : new String[] {"gif", "bmp"}) {
            RgbImage image = decoder.decode(TestImages.encode(source, format));
            assertThat(image.width()).as(format).isEqualTo(20);
            assertThat(mean(image, 0, 0, 0, 10, 10)).as(format).isEqualTo(255.0);
            assertThat(mean(image, 2, 10, 0, 20, 10)).as(format).isEqualTo(255.0);
        }
    }

    @Test
    void cmykJpegIsConvertedToRgb() throws Exception {
        // A 4-channel raster written by the JDK's JPEG writer is an Adobe-less CMYK JPEG; TwelveMonkeys reads it.
        WritableRaster cmyk = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                cmyk.setPixel(x, y, new int[] {0, 0, 0, 0});
            }
        }
        javax.imageio.ImageWriter writer = null;
        for (var writers = ImageIO.getImageWritersByFormatName("jpeg"); writers.hasNext(); ) {
            javax.imageio.ImageWriter candidate = writers.next();
            if (writer == null || candidate.getClass().getName().startsWith("com.sun")) {
                writer = candidate;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(new javax.imageio.IIOImage(cmyk, null, null));
        }
        RgbImage image = decoder.decode(out.toByteArray());
        assertThat(image.width()).isEqualTo(16);
        // All-zero CMYK ink is white paper, whichever way the reader interprets the Adobe-less channels it is
        // either white or black, but never a colour cast between channels.
        double r = mean(image, 0, 0, 0, 16, 16);
        assertThat(mean(image, 1, 0, 0, 16, 16)).isCloseTo(r, org.assertj.core.data.Offset.offset(8.0));
        assertThat(mean(image, 2, 0, 0, 16, 16)).isCloseTo(r, org.assertj.core.data.Offset.offset(8.0));
    }

    @Test
    void exifOrientationSixTurnsTheImageClockwise() throws Exception {
        byte[] jpeg = TestImages.withExifOrientation(TestImages.jpeg(TestImages.halves(40, 20, BufferedImage.TYPE_INT_RGB)), 6);
        RgbImage image = decoder.decode(jpeg);
        assertThat(image.width()).isEqualTo(20);
        assertThat(image.height()).isEqualTo(40);
        // The red left half ends up on top after a quarter turn clockwise.
        assertThat(mean(image, 0, 0, 0, 20, 16)).isGreaterThan(230);
        assertThat(mean(image, 2, 0, 24, 20, 40)).isGreaterThan(230);
    }

    @Test
    void everyOrientationProducesTheRightShape() throws Exception {
        byte[] base = TestImages.jpeg(TestImages.halves(40, 20, BufferedImage.TYPE_INT_RGB));
        for (int orientation = 1; orientation <= 8; orientation++) {
            RgbImage image = decoder.decode(TestImages.withExifOrientation(base, orientation));
            assertThat(image.width()).as("orientation %d", orientation).isEqualTo(orientation >= 5 ? 20 : 40);
        }
        RgbImage mirrored = decoder.decode(TestImages.withExifOrientation(base, 2));
        assertThat(mean(mirrored, 2, 0, 0, 16, 20)).isGreaterThan(230); // blue now on the left
    }

    @Test
    void textIsRefusedAsAnInvalidFileType() {
        assertThatThrownBy(() -> decoder.decode("hello, world".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("Invalid file type")
                .extracting(e -> ((InvalidImageException) e).reason()).isEqualTo(InvalidImageException.Reason.UNSUPPORTED_TYPE);
    }

    @Test
    void emptyBytesAreRefused() {
        assertThatThrownBy(() -> decoder.decode(new byte[0]))
                .extracting(e -> ((InvalidImageException) e).reason()).isEqualTo(InvalidImageException.Reason.EMPTY);
    }

    @Test
    void aTruncatedJpegIsCorrupt() {
        byte[] jpeg = TestImages.jpeg(TestImages.halves(200, 200, BufferedImage.TYPE_INT_RGB));
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertThatThrownBy(() -> decoder.decode(truncated))
                .extracting(e -> ((InvalidImageException) e).reason()).isEqualTo(InvalidImageException.Reason.CORRUPT);
    }

    @Test
    void aTruncatedPngIsCorrupt() {
        byte[] png = TestImages.encode(TestImages.halves(200, 200, BufferedImage.TYPE_INT_RGB), "png");
        assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(png, png.length - 40)))
                .extracting(e -> ((InvalidImageException) e).reason()).isEqualTo(InvalidImageException.Reason.CORRUPT);
    }

    @Test
    void aPixelBombIsRefusedFromItsHeader() {
        byte[] bomb = TestImages.pngBomb(30000, 30000);
        assertThatThrownBy(() -> decoder.decode(bomb))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("30000×30000")
                .extracting(e -> ((InvalidImageException) e).reason()).isEqualTo(InvalidImageException.Reason.TOO_LARGE);
    }

    @Test
    void probeReadsSizeWithoutDecoding() throws Exception {
        ImageInfo info = decoder.probe(TestImages.pngBomb(30000, 20000));
        assertThat(info).isEqualTo(new ImageInfo(ImageFormat.PNG, 30000, 20000));
    }
}

package dev.imageclassifier.vision;

import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.ImageTooLargeException;
import dev.imageclassifier.TestImages;
import dev.imageclassifier.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A 12-megapixel JPEG is decoded at the size its use needs, on the native and on the pure-Java path. */
class ReducedDecodingTest {

    private static final Preprocessor PREPROCESSOR = new Preprocessor(Preprocessing.IMAGENET);
    private static byte[] photo;

    @BeforeAll
    static void makePhoto() throws Exception {
        byte[] caltech = Files.readAllBytes(TestModels.CALTECH.resolve("airplanes/image_0001.jpg"));
        photo = LargePhoto.jpeg(caltech, 4032, 3024, 1);
    }

    private static ImageDecoder decoder(boolean nativeJpeg, DecodeBudget budget) {
        return new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, budget, false, nativeJpeg);
    }

    private static ImageDecoder exact() {
        return new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, DecodeBudget.PROCESS, true);
    }

    @ParameterizedTest(name = "libjpeg-turbo when present: {0}")
    @ValueSource(booleans = {true, false})
    void aLargeJpegIsDecodedSmallerAndGivesNearlyTheExactTensor(boolean nativeJpeg) throws Exception {
        int[] size = decoder(nativeJpeg, DecodeBudget.PROCESS).decode(photo, PREPROCESSOR.minShorterSide(),
                image -> new int[] {image.width(), image.height()});
        assertThat(size[1]).as("shorter side").isBetween(PREPROCESSOR.minShorterSide(), 1512);
        assertThat((double) size[0] / size[1]).isCloseTo(4.0 / 3, org.assertj.core.data.Offset.offset(0.01));

        float[] reduced = decoder(nativeJpeg, DecodeBudget.PROCESS).tensor(photo, PREPROCESSOR);
        float[] exact = exact().tensor(photo, PREPROCESSOR);
        // Measured: 0.0026 through libjpeg-turbo's DCT scaling (1/8), 0.0095 through point subsampling.
        double tolerance = nativeJpeg && TurboJpeg.available().isPresent() ? 0.005 : 0.02;
        assertThat(meanAbsoluteDifference(reduced, exact)).as("mean |reduced - exact|, normalised units").isLessThan(tolerance);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"png", "gif", "bmp", "tiff"})
    void otherFormatsAreSubsampledWhereTheirReadersCan(String format) throws Exception {
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                LargePhoto.jpeg(Files.readAllBytes(TestModels.CALTECH.resolve("airplanes/image_0001.jpg")), 2000, 1500, 2)));
        byte[] encoded = TestImages.encode(image, format);
        ImageDecoder decoder = decoder(false, DecodeBudget.PROCESS);
        int shorter = decoder.decode(encoded, PREPROCESSOR.minShorterSide(), decoded -> decoded.height());
        assertThat(shorter).isEqualTo(750); // 1500 / 2: the largest step that keeps 512 rows
        assertThat(meanAbsoluteDifference(decoder.tensor(encoded, PREPROCESSOR), exact().tensor(encoded, PREPROCESSOR)))
                .isLessThan(format.equals("gif") ? 0.05 : 0.02); // GIF: a 256-colour palette dithers
    }

    @Test
    void theReducedDecodeFitsABudgetThatTheFullSizeDecodeDoesNot() throws Exception {
        DecodeBudget small = new DecodeBudget(16L << 20); // a 12 MP image is 36 MB at 3 bytes a pixel
        assertThat(decoder(true, small).tensor(photo, PREPROCESSOR)).hasSize(3 * 224 * 224);
        assertThat(decoder(false, small).tensor(photo, PREPROCESSOR)).hasSize(3 * 224 * 224);
        assertThatThrownBy(() -> new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, small, true).tensor(photo, PREPROCESSOR))
                .isInstanceOf(ImageTooLargeException.class).hasMessageContaining("4032×3024");
        assertThat(small.reservedBytes()).isZero();
    }

    @ParameterizedTest(name = "libjpeg-turbo when present: {0}")
    @ValueSource(booleans = {true, false})
    void sixteenLargeUploadsAreDecodedSideBySideWithinTheDefaultHeapsBudget(boolean nativeJpeg) throws Exception {
        DecodeBudget launcherHeap = new DecodeBudget((long) ((2L << 30) * 0.6)); // 60 % of -Xmx2g
        ImageDecoder decoder = decoder(nativeJpeg, launcherHeap);
        int uploads = 16;
        CyclicBarrier allHoldingPixels = new CyclicBarrier(uploads);
        ExecutorService threads = Executors.newFixedThreadPool(uploads);
        try {
            List<Future<Long>> held = new ArrayList<>();
            for (int i = 0; i < uploads; i++) {
                held.add(threads.submit(() -> decoder.decode(photo, PREPROCESSOR.minShorterSide(), image -> {
                    try { // every decode holds its pixels until all 16 do: one waiting on the budget would time out
                        allHoldingPixels.await(60, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("not all 16 images were in memory at once", e);
                    }
                    return launcherHeap.reservedBytes();
                })));
            }
            for (Future<Long> reserved : held) {
                assertThat(reserved.get(2, TimeUnit.MINUTES)).isLessThan(launcherHeap.capacityBytes());
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(launcherHeap.reservedBytes()).isZero();
    }

    @Test
    void theReservationCoversWhatTheDecodeAllocates() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        DecodeBudget budget = new DecodeBudget(1L << 30);
        for (boolean nativeJpeg : new boolean[] {true, false}) {
            ImageDecoder decoder = decoder(nativeJpeg, budget);
            decoder.decode(photo, PREPROCESSOR.minShorterSide(), image -> 0); // warm up
            long before = threads.getCurrentThreadAllocatedBytes();
            long reserved = decoder.decode(photo, PREPROCESSOR.minShorterSide(), image -> budget.reservedBytes());
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(reserved).as("reserved vs %d bytes allocated (native: %s)", allocated, nativeJpeg)
                    .isBetween((long) (allocated * 0.8), allocated * 2);
        }
    }

    @ParameterizedTest(name = "libjpeg-turbo when present: {0}")
    @ValueSource(booleans = {true, false})
    void truncatedAndBrokenLargeJpegsAreStillCorrupt(boolean nativeJpeg) {
        ImageDecoder decoder = decoder(nativeJpeg, DecodeBudget.PROCESS);
        for (double kept : new double[] {0.1, 0.5, 0.9, 0.999}) {
            byte[] cut = Arrays.copyOf(photo, (int) (photo.length * kept));
            assertThatThrownBy(() -> decoder.tensor(cut, PREPROCESSOR)).as("cut at %s", kept)
                    .isInstanceOfSatisfying(InvalidImageException.class,
                            e -> assertThat(e.reason()).isEqualTo(InvalidImageException.Reason.CORRUPT));
        }
        byte[] noFrame = photo.clone();
        for (int i = 0; i + 1 < noFrame.length; i++) {
            if ((noFrame[i] & 0xFF) == 0xFF && (noFrame[i + 1] & 0xFF) == 0xC0) { // SOF0 → an undefined marker
                noFrame[i + 1] = (byte) 0xC8;
                break;
            }
        }
        assertThatThrownBy(() -> decoder.tensor(noFrame, PREPROCESSOR)).isInstanceOf(InvalidImageException.class);
    }

    @Test
    void aTurnedGrayPhotoIsReducedAndTurned() throws Exception {
        java.awt.image.BufferedImage gray = new java.awt.image.BufferedImage(4000, 3000, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = gray.createGraphics();
        g.setPaint(new java.awt.GradientPaint(0, 0, java.awt.Color.BLACK, 4000, 0, java.awt.Color.WHITE));
        g.fillRect(0, 0, 4000, 3000);
        g.dispose();
        byte[] jpeg = TestImages.withExifOrientation(TestImages.jpeg(gray), 6);
        for (boolean nativeJpeg : new boolean[] {true, false}) {
            int[] size = decoder(nativeJpeg, DecodeBudget.PROCESS).decode(jpeg, PREPROCESSOR.minShorterSide(),
                    image -> new int[] {image.width(), image.height()});
            assertThat(size[0]).as("turned: portrait").isLessThan(size[1]).isLessThan(1500);
            float[] reduced = decoder(nativeJpeg, DecodeBudget.PROCESS).tensor(jpeg, PREPROCESSOR);
            assertThat(meanAbsoluteDifference(reduced, exact().tensor(jpeg, PREPROCESSOR))).isLessThan(0.02);
        }
    }

    @Test
    void theDctScaleIsTheSmallestThatLeavesTheModelsInputSize() {
        Preprocessor whole = new Preprocessor(Preprocessing.IMAGENET.withFraming(dev.imageclassifier.Framing.WHOLE));
        // 224 × 224 from the whole image: the shorter side must stay at least 224 after scaling.
        assertThat(denominator(whole, 4032, 3024)).isEqualTo(8); // 378 rows left, as Pillow's draft((224, 224))
        assertThat(denominator(whole, 1800, 1792)).isEqualTo(8); // 224 exactly
        assertThat(denominator(whole, 1800, 1791)).isEqualTo(4);
        assertThat(denominator(whole, 640, 480)).isEqualTo(2);
        assertThat(denominator(whole, 447, 447)).isEqualTo(1);
        assertThat(denominator(whole, 300, 200)).isEqualTo(1); // Caltech-sized: full size, through libjpeg-turbo too
        // Centre crop: the 224 box of a shorter side resized to 256 must keep 224 pixels.
        assertThat(denominator(PREPROCESSOR, 4032, 3024)).isEqualTo(8);
        assertThat(denominator(PREPROCESSOR, 2048, 1536)).isEqualTo(4); // box 1344 rows: 1/8 leaves 168
        // Point subsampling (the pure-Java path) keeps twice as many pixels, as before.
        assertThat(PREPROCESSOR.maxReduction(4032, 3024)).isCloseTo(PREPROCESSOR.maxDctReduction(4032, 3024) / 2,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    private static int denominator(Preprocessor preprocessor, int width, int height) {
        return ImageDecoder.dctDenominator(preprocessor.maxDctReduction(width, height));
    }

    @Test
    void theFastPathDecodesTheLargePhotoAtOneEighth() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TurboJpeg.available().isPresent(), "libjpeg-turbo is not installed");
        ByteRaster eighth;
        try (TurboJpeg.Decompression jpeg = TurboJpeg.available().orElseThrow().open(photo)) {
            eighth = jpeg.decode(jpeg.header(), 8);
        }
        assertThat(eighth.width()).isEqualTo(504);
        assertThat(decoder(true, DecodeBudget.PROCESS).tensor(photo, PREPROCESSOR)).isEqualTo(PREPROCESSOR.toTensorFast(eighth));
    }

    private static double meanAbsoluteDifference(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }
}

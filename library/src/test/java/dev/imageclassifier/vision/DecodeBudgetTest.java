package dev.imageclassifier.vision;

import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecodeBudgetTest {

    private static final long PIXEL = DecodeBudget.BYTES_PER_PIXEL;

    @Test
    void aReservationThatDoesNotFitWaitsUntilMemoryIsGivenBack() throws Exception {
        DecodeBudget budget = new DecodeBudget(1000 * PIXEL);
        DecodeBudget.Reservation first = budget.reserve(30, 20); // 600 pixels
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<DecodeBudget.Reservation> second = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            try {
                return budget.reserve(25, 20); // 500 more: 1100 > 1000
            } catch (InvalidImageException e) {
                throw new IllegalStateException(e);
            }
        });
        started.await();
        Thread.sleep(200);
        assertThat(second).isNotDone();
        assertThat(budget.reservedBytes()).isEqualTo(600 * PIXEL);

        first.close();
        DecodeBudget.Reservation granted = second.get(5, TimeUnit.SECONDS);
        assertThat(budget.reservedBytes()).isEqualTo(500 * PIXEL);
        granted.close();
        granted.close(); // closing twice gives back once
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void imagesThatFitTogetherDoNotWait() throws Exception {
        DecodeBudget budget = new DecodeBudget(1000 * PIXEL);
        try (DecodeBudget.Reservation a = budget.reserve(20, 20); DecodeBudget.Reservation b = budget.reserve(20, 20)) {
            assertThat(budget.reservedBytes()).isEqualTo(800 * PIXEL);
        }
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void anImageTheBudgetCanNeverHoldIsRefusedAtOnceWithTheReason() {
        DecodeBudget budget = new DecodeBudget(1000 * PIXEL);
        assertThatThrownBy(() -> budget.reserve(100, 100))
                .isInstanceOfSatisfying(InvalidImageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidImageException.Reason.TOO_LARGE))
                .hasMessageContaining("Image too large for this server's memory: 100×100")
                .hasMessageContaining("-Xmx");
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void theDecoderHoldsItsShareWhileThePixelsAreUsedAndGivesItBackAfter() throws Exception {
        DecodeBudget budget = new DecodeBudget(100_000 * PIXEL);
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, budget);
        byte[] jpeg = TestImages.jpeg(TestImages.halves(64, 48, BufferedImage.TYPE_3BYTE_BGR));
        long heldDuringUse = decoder.decode(jpeg, image -> budget.reservedBytes());
        assertThat(heldDuringUse).as("the decoder's 3-byte raster plus the 12-byte float planes asked for").isEqualTo(64 * 48 * 15);
        assertThat(budget.reservedBytes()).isZero();

        byte[] corrupt = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);
        assertThatThrownBy(() -> decoder.decode(corrupt)).isInstanceOf(InvalidImageException.class);
        assertThat(budget.reservedBytes()).as("given back after a failed decode").isZero();
    }

    @Test
    void theDecoderRefusesAnImageLargerThanItsBudgetBeforeDecodingIt() {
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, new DecodeBudget(1000 * PIXEL));
        byte[] header = TestImages.pngBomb(20_000, 10_000); // 200 MP would be 3.2 GB: never decoded
        assertThatThrownBy(() -> decoder.decode(header))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("above the limit"); // the pixel limit speaks first
        byte[] jpeg = TestImages.jpeg(TestImages.halves(64, 48, BufferedImage.TYPE_3BYTE_BGR));
        assertThatThrownBy(() -> decoder.decode(jpeg))
                .isInstanceOfSatisfying(InvalidImageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidImageException.Reason.TOO_LARGE))
                .hasMessageContaining("for this server's memory");
    }
}

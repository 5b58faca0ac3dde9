package dev.imageclassifier.vision;

import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.ImageTooLargeException;
import java.util.Locale;
import java.util.concurrent.CancellationException;

/**
 * Caps the memory that images being decoded hold at once. Each decode reserves, from the header and
 * before any pixel is decoded, what it will actually allocate: the decoder's raster at the size it
 * decodes (a 12-megapixel JPEG decoded at 1/4 scale holds 2.3 MB, not 190 MB), a turned copy when EXIF
 * says so, float planes only when the caller asks for them, and the decoder's own working memory (a
 * progressive JPEG's coefficients). It waits while the images in progress leave too little; an image
 * alone is always let through, so every image the budget can hold is decoded eventually, and one it can
 * never hold is refused at once.
 */
public final class DecodeBudget {

    /**
     * Bytes per pixel of a full-size decode converted to float planes (raster + 12): what an image
     * that cannot be reduced costs; the server's start-up check compares its megapixel limit with it.
     */
    public static final int BYTES_PER_PIXEL = 16;

    /** The budget shared by every decoder of this process: 60 % of the maximum heap. */
    public static final DecodeBudget PROCESS = new DecodeBudget((long) (Runtime.getRuntime().maxMemory() * 0.6));

    private final long capacityBytes;
    private long reservedBytes;

    public DecodeBudget(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("the decode budget must be positive");
        }
        this.capacityBytes = capacityBytes;
    }

    /** Memory held while the image is decoded and used; released by {@link #close()}. */
    public final class Reservation implements AutoCloseable {
        private final long bytes;
        private boolean open = true;

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            synchronized (DecodeBudget.this) {
                if (open) {
                    open = false;
                    reservedBytes -= bytes;
                    DecodeBudget.this.notifyAll();
                }
            }
        }
    }

    /** Reserves {@link #BYTES_PER_PIXEL} bytes a pixel for a {@code width} × {@code height} image. */
    public Reservation reserve(long width, long height) throws InvalidImageException {
        return reserve(width * height * BYTES_PER_PIXEL, width + "×" + height);
    }

    /**
     * Reserves {@code bytes} for one image ({@code image} names it in the refusal), waiting while other
     * images hold too much.
     *
     * @throws InvalidImageException (too large) when the image would not fit even alone
     * @throws CancellationException when the thread is interrupted while waiting
     */
    public synchronized Reservation reserve(long bytes, String image) throws InvalidImageException {
        if (bytes > capacityBytes) {
            throw new ImageTooLargeException(String.format(Locale.ROOT,
                    "Image too large for this server's memory: %s needs about %d MB to decode, %d MB are available "
                            + "(raise the Java heap, -Xmx, or send a smaller image)",
                    image, bytes >> 20, capacityBytes >> 20));
        }
        try {
            while (reservedBytes > 0 && reservedBytes + bytes > capacityBytes) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for memory to decode an image");
        }
        reservedBytes += bytes;
        return new Reservation(bytes);
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    /** Bytes reserved by images in progress. */
    public synchronized long reservedBytes() {
        return reservedBytes;
    }
}

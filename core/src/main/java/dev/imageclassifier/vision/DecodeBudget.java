package dev.imageclassifier.vision;

import java.util.Locale;
import java.util.concurrent.CancellationException;

/**
 * Caps the memory that images being decoded hold at once. A decoded image costs about
 * {@value #BYTES_PER_PIXEL} bytes a pixel (the decoder's raster plus three float planes), so one
 * 50-megapixel upload holds 800 MB until it is preprocessed, and a few of them at once would exhaust the
 * heap. Each decode reserves its share, read from the header, before any pixel is decoded, and waits
 * while the images in progress leave too little; an image alone is always let through, so every image
 * the budget can hold is decoded eventually, and one it can never hold is refused at once.
 */
public final class DecodeBudget {

    /** Estimated bytes per pixel while an image is decoded and preprocessed. */
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

    /**
     * Reserves room for a {@code width} × {@code height} image, waiting while other images hold too much.
     *
     * @throws InvalidImageException (too large) when the image would not fit even alone
     * @throws CancellationException when the thread is interrupted while waiting
     */
    public synchronized Reservation reserve(long width, long height) throws InvalidImageException {
        long bytes = width * height * BYTES_PER_PIXEL;
        if (bytes > capacityBytes) {
            throw new ImageTooLargeException(String.format(Locale.ROOT,
                    "Image too large for this server's memory: %d×%d needs about %d MB to decode, %d MB are available "
                            + "(raise the Java heap, -Xmx, or send a smaller image)",
                    width, height, bytes >> 20, capacityBytes >> 20));
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

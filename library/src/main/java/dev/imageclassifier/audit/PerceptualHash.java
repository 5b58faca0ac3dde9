package dev.imageclassifier.audit;

import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.RgbImage;

/**
 * The difference hash (dHash) of an image: its grey version shrunk to 9 × 8 cells by area averaging, one bit
 * per cell for "brighter than its right neighbour". Resizing, re-encoding and mild colour changes keep it
 * (a few bits flip at most); another photo of the same kind of object differs in about half its 64 bits.
 * Written here because it is a dozen lines over the decoder this library already has.
 */
public final class PerceptualHash {

    private static final int WIDTH = 9;
    private static final int HEIGHT = 8;

    private PerceptualHash() {
    }

    /** The 64-bit hash of an encoded image, decoded small (shorter side from 32 pixels). */
    public static long of(byte[] bytes, ImageDecoder decoder) throws InvalidImageException {
        return decoder.decode(bytes, 32, PerceptualHash::of);
    }

    static long of(RgbImage image) {
        int w = image.width();
        int h = image.height();
        int area = image.area();
        float[] p = image.pixels();
        double[] cells = new double[WIDTH * HEIGHT];
        double[] weights = new double[WIDTH * HEIGHT];
        for (int y = 0; y < h; y++) {
            int cy = Math.min(HEIGHT - 1, y * HEIGHT / h);
            for (int x = 0; x < w; x++) {
                int cx = Math.min(WIDTH - 1, x * WIDTH / w);
                int i = y * w + x;
                double grey = 0.299 * p[i] + 0.587 * p[area + i] + 0.114 * p[2 * area + i];
                cells[cy * WIDTH + cx] += grey;
                weights[cy * WIDTH + cx]++;
            }
        }
        long hash = 0;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH - 1; x++) {
                int c = y * WIDTH + x;
                double left = cells[c] / Math.max(1, weights[c]);
                double right = cells[c + 1] / Math.max(1, weights[c + 1]);
                hash = (hash << 1) | (left > right ? 1 : 0);
            }
        }
        return hash;
    }

    /** Bits in which two hashes differ (0: the same picture, about 32: unrelated ones). */
    public static int distance(long a, long b) {
        return Long.bitCount(a ^ b);
    }
}

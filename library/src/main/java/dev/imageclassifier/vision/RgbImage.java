package dev.imageclassifier.vision;

/**
 * An RGB image as three planes of floats in [0, 255]: red plane, then green, then blue, each row-major.
 * Planar floats are the working form of every transform, so resizing, cropping and normalising never
 * round to bytes in between.
 */
public record RgbImage(int width, int height, float[] pixels) implements PixelSource {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != 3 * width * height) {
            throw new IllegalArgumentException("expected " + 3 * width * height + " samples, got " + pixels.length);
        }
    }

    public static RgbImage blank(int width, int height) {
        return new RgbImage(width, height, new float[3 * width * height]);
    }

    /** Number of pixels in one plane. */
    public int area() {
        return width * height;
    }

    @Override
    public RgbImage toRgbImage() {
        return this;
    }

    /** A mirror image (left ↔ right). */
    public RgbImage mirrored() {
        float[] out = new float[pixels.length];
        for (int row = 0; row < 3 * height; row++) {
            int base = row * width;
            for (int x = 0; x < width; x++) {
                out[base + x] = pixels[base + width - 1 - x];
            }
        }
        return new RgbImage(width, height, out);
    }
}

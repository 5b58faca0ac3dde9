package dev.imageclassifier.explain;

import dev.imageclassifier.vision.Preprocessor;
import dev.imageclassifier.vision.Resampler;
import dev.imageclassifier.vision.RgbImage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Draws a class activation map over the photo it explains: the map is upsampled bilinearly onto the part
 * of the photo the model saw (its framing box) and blended over it in a blue → red colour scale; what
 * the model did not see is dimmed, so a heat-free border is not mistaken for "no evidence there".
 */
public final class HeatmapOverlay {

    /** Longest side of the drawn image: enough to see the photo, small enough to send. */
    public static final int MAX_SIDE = 640;
    private static final float OPACITY = 0.5f;
    private static final float OUTSIDE = 0.35f;

    private HeatmapOverlay() {
    }

    /**
     * @param photo the decoded photo (upright, any size)
     * @param box   the part the model saw, in the photo's pixels
     * @param grid  the map, rows top to bottom, values in 0..1
     */
    public static BufferedImage draw(RgbImage photo, Preprocessor.Box box, float[][] grid) {
        return draw(photo, box, grid, MAX_SIDE);
    }

    /** {@link #draw(RgbImage, Preprocessor.Box, float[][])} at most {@code maxSide} pixels on the longer side. */
    public static BufferedImage draw(RgbImage photo, Preprocessor.Box box, float[][] grid, int maxSide) {
        double scale = Math.min(1.0, (double) maxSide / Math.max(photo.width(), photo.height()));
        int width = Math.max(1, (int) Math.round(photo.width() * scale));
        int height = Math.max(1, (int) Math.round(photo.height() * scale));
        RgbImage small = Resampler.resize(photo, 0, 0, photo.width(), photo.height(), width, height);
        float[] px = small.pixels();
        int area = width * height;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                float[] rgb = {px[i], px[area + i], px[2 * area + i]};
                // Position in the photo's pixels, then in grid cells (cell centres at k + 0.5).
                double sx = (x + 0.5) / scale;
                double sy = (y + 0.5) / scale;
                if (sx >= box.x0() && sx < box.x1() && sy >= box.y0() && sy < box.y1()) {
                    double gx = (sx - box.x0()) / (box.x1() - box.x0()) * grid[0].length - 0.5;
                    double gy = (sy - box.y0()) / (box.y1() - box.y0()) * grid.length - 0.5;
                    float[] heat = colour(bilinear(grid, gx, gy));
                    for (int c = 0; c < 3; c++) {
                        rgb[c] = (1 - OPACITY) * rgb[c] + OPACITY * heat[c];
                    }
                } else {
                    for (int c = 0; c < 3; c++) {
                        rgb[c] *= OUTSIDE;
                    }
                }
                out.setRGB(x, y, (clamp(rgb[0]) << 16) | (clamp(rgb[1]) << 8) | clamp(rgb[2]));
            }
        }
        return out;
    }

    /** The image as PNG bytes. */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an in-memory stream does not fail
        }
        return bytes.toByteArray();
    }

    /** Bilinear interpolation between cell centres, held constant beyond the outer ones. */
    static float bilinear(float[][] grid, double gx, double gy) {
        double x = Math.max(0, Math.min(grid[0].length - 1, gx));
        double y = Math.max(0, Math.min(grid.length - 1, gy));
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        int x1 = Math.min(x0 + 1, grid[0].length - 1);
        int y1 = Math.min(y0 + 1, grid.length - 1);
        double fx = x - x0;
        double fy = y - y0;
        double top = grid[y0][x0] * (1 - fx) + grid[y0][x1] * fx;
        double bottom = grid[y1][x0] * (1 - fx) + grid[y1][x1] * fx;
        return (float) (top * (1 - fy) + bottom * fy);
    }

    /** A "jet"-like scale in 0..255: blue (0) → cyan → yellow → red (1). */
    static float[] colour(float value) {
        float v = Math.max(0, Math.min(1, value));
        return new float[] {255 * ramp(1.5f - Math.abs(4 * v - 3)), 255 * ramp(1.5f - Math.abs(4 * v - 2)),
                255 * ramp(1.5f - Math.abs(4 * v - 1))};
    }

    private static float ramp(float v) {
        return Math.max(0, Math.min(1, v));
    }

    private static int clamp(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }
}

package dev.imageclassifier.vision;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.util.Arrays;

/**
 * What ImageIO decoded, as pixels the resampler reads: 8-bit RGB or gray without alpha in place (a
 * {@link ByteRaster} over the decoder's own bytes, no copy), anything else converted to RGB floats with
 * alpha composited over white.
 */
final class Rasters {

    private Rasters() {
    }

    /** Whether images of this colour and sample model are read in place. */
    static boolean readInPlace(ColorModel model, SampleModel layout) {
        return directColors(model) && !model.hasAlpha() && layout instanceof ComponentSampleModel component
                && layout.getDataType() == java.awt.image.DataBuffer.TYPE_BYTE
                && Arrays.stream(component.getBankIndices()).allMatch(bank -> bank == 0);
    }

    static PixelSource of(BufferedImage image) {
        Raster raster = image.getRaster();
        ColorModel model = image.getColorModel();
        if (readInPlace(model, raster.getSampleModel()) && raster.getDataBuffer() instanceof DataBufferByte buffer
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            ComponentSampleModel layout = (ComponentSampleModel) raster.getSampleModel();
            int[] offsets = layout.getBandOffsets();
            boolean gray = model.getNumColorComponents() == 1;
            return new ByteRaster(image.getWidth(), image.getHeight(), buffer.getData(), layout.getPixelStride(),
                    layout.getScanlineStride(), offsets[0], offsets[gray ? 0 : 1], offsets[gray ? 0 : 2]);
        }
        return toRgb(image);
    }

    private static boolean directColors(ColorModel model) {
        int colorType = model.getColorSpace().getType();
        return model instanceof ComponentColorModel && (colorType == ColorSpace.TYPE_RGB || colorType == ColorSpace.TYPE_GRAY);
    }

    /** Converts any decoded raster to RGB samples in [0, 255]; alpha is composited over white. */
    static RgbImage toRgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        RgbImage out = RgbImage.blank(width, height);
        float[] px = out.pixels();
        int area = width * height;
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        int colorType = model.getColorSpace().getType();
        boolean direct = model instanceof ComponentColorModel
                && (colorType == ColorSpace.TYPE_RGB || colorType == ColorSpace.TYPE_GRAY);
        if (direct && raster.getDataBuffer() instanceof DataBufferByte buffer
                && raster.getSampleModel() instanceof ComponentSampleModel layout
                && Arrays.stream(layout.getBankIndices()).allMatch(bank -> bank == 0)
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            copyBytes(buffer.getData(), layout, model.getNumColorComponents(), model.hasAlpha(), width, height, px);
        } else if (direct) {
            // Read samples ourselves: Java's gray → sRGB conversion would also re-gamma grey levels.
            int colors = model.getNumColorComponents();
            boolean alpha = model.hasAlpha();
            int[] samples = new int[width];
            float[] alphaRow = new float[width];
            for (int y = 0; y < height; y++) {
                int row = y * width;
                if (alpha) {
                    raster.getSamples(0, y, width, 1, colors, samples);
                    float scale = 1f / maxSample(model, colors);
                    for (int x = 0; x < width; x++) {
                        alphaRow[x] = samples[x] * scale;
                    }
                }
                for (int c = 0; c < 3; c++) {
                    int band = colors == 1 ? 0 : c;
                    raster.getSamples(0, y, width, 1, band, samples);
                    float scale = 255f / maxSample(model, band);
                    int base = c * area + row;
                    for (int x = 0; x < width; x++) {
                        float v = samples[x] * scale;
                        px[base + x] = alpha ? v * alphaRow[x] + 255f * (1f - alphaRow[x]) : v;
                    }
                }
            }
        } else {
            int[] argb = new int[width];
            for (int y = 0; y < height; y++) {
                image.getRGB(0, y, width, 1, argb, 0, width);
                int row = y * width;
                for (int x = 0; x < width; x++) {
                    int p = argb[x];
                    float a = (p >>> 24) / 255f;
                    px[row + x] = ((p >> 16) & 0xFF) * a + 255f * (1f - a);
                    px[area + row + x] = ((p >> 8) & 0xFF) * a + 255f * (1f - a);
                    px[2 * area + row + x] = (p & 0xFF) * a + 255f * (1f - a);
                }
            }
        }
        return out;
    }

    /** Fast path for 8-bit interleaved or banded rasters (JPEG, most PNGs): index the bytes directly. */
    private static void copyBytes(byte[] data, ComponentSampleModel layout, int colors, boolean alpha,
                                  int width, int height, float[] px) {
        int area = width * height;
        int pixelStride = layout.getPixelStride();
        int scanline = layout.getScanlineStride();
        int[] offsets = layout.getBandOffsets();
        int r = offsets[0];
        int g = offsets[colors == 1 ? 0 : 1];
        int b = offsets[colors == 1 ? 0 : 2];
        int a = alpha ? offsets[colors] : -1;
        for (int y = 0; y < height; y++) {
            int in = y * scanline;
            int out = y * width;
            for (int x = 0; x < width; x++, in += pixelStride, out++) {
                float red = data[in + r] & 0xFF;
                float green = data[in + g] & 0xFF;
                float blue = data[in + b] & 0xFF;
                if (a >= 0) {
                    float opacity = (data[in + a] & 0xFF) / 255f;
                    float white = 255f * (1f - opacity);
                    red = red * opacity + white;
                    green = green * opacity + white;
                    blue = blue * opacity + white;
                }
                px[out] = red;
                px[area + out] = green;
                px[2 * area + out] = blue;
            }
        }
    }

    private static float maxSample(ColorModel model, int band) {
        return (float) ((1L << model.getComponentSize(band)) - 1);
    }
}

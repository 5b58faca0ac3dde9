package dev.imageclassifier.vision;

/**
 * 8-bit samples as a decoder wrote them: interleaved RGB, BGR or gray ({@code red == green == blue}),
 * {@code pixelStride} bytes a pixel, {@code scanlineStride} bytes a row. Costs 1–3 bytes a pixel where
 * planar floats cost 12, and the resampler reads it directly with the same values
 * ({@code sample & 0xFF}) as the float copy would hold.
 */
public record ByteRaster(int width, int height, byte[] data, int pixelStride, int scanlineStride,
                         int red, int green, int blue) implements PixelSource {

    public ByteRaster {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        int last = (height - 1) * scanlineStride + (width - 1) * pixelStride + Math.max(red, Math.max(green, blue));
        if (last >= data.length) {
            throw new IllegalArgumentException("raster of " + data.length + " bytes is too small for " + width + "x" + height);
        }
    }

    /** Packed RGB rows, as libjpeg-turbo writes them. */
    public static ByteRaster rgb(int width, int height, byte[] data) {
        return new ByteRaster(width, height, data, 3, 3 * width, 0, 1, 2);
    }

    /** Packed 8-bit gray rows. */
    public static ByteRaster gray(int width, int height, byte[] data) {
        return new ByteRaster(width, height, data, 1, width, 0, 0, 0);
    }

    public boolean isGray() {
        return red == green && green == blue;
    }

    /** Bytes that one pixel of a packed copy takes. */
    int channels() {
        return isGray() ? 1 : 3;
    }

    @Override
    public RgbImage toRgbImage() {
        RgbImage out = RgbImage.blank(width, height);
        float[] px = out.pixels();
        int area = width * height;
        for (int y = 0; y < height; y++) {
            int in = y * scanlineStride;
            int at = y * width;
            for (int x = 0; x < width; x++, in += pixelStride, at++) {
                px[at] = data[in + red] & 0xFF;
                px[area + at] = data[in + green] & 0xFF;
                px[2 * area + at] = data[in + blue] & 0xFF;
            }
        }
        return out;
    }

    /** This packed RGB raster converted to sRGB (see {@link EmbeddedProfile}). */
    ByteRaster toSrgb(java.awt.image.ColorConvertOp conversion) {
        return EmbeddedProfile.toSrgb(this, conversion);
    }

    /** The raster turned as EXIF orientation 1–8 asks, packed (RGB or gray). */
    public ByteRaster oriented(int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return this;
        }
        boolean swap = orientation >= 5;
        int outW = swap ? height : width;
        int outH = swap ? width : height;
        int channels = channels();
        byte[] out = new byte[outW * outH * channels];
        int[] from = new int[2];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                Orientation.source(orientation, x, y, width, height, from);
                int in = from[1] * scanlineStride + from[0] * pixelStride;
                int at = (y * outW + x) * channels;
                out[at] = data[in + red];
                if (channels == 3) {
                    out[at + 1] = data[in + green];
                    out[at + 2] = data[in + blue];
                }
            }
        }
        return channels == 3 ? rgb(outW, outH, out) : gray(outW, outH, out);
    }
}

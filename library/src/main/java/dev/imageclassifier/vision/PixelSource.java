package dev.imageclassifier.vision;

/**
 * Pixels the resampler can read: planar floats ({@link RgbImage}) or a decoder's own 8-bit raster
 * ({@link ByteRaster}), read in place so a decoded image is never copied to floats at full size.
 */
public sealed interface PixelSource permits RgbImage, ByteRaster {

    int width();

    int height();

    /** The pixels as planar floats in [0, 255] (the same values the resampler reads). */
    RgbImage toRgbImage();
}

package dev.imageclassifier.vision;

import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import java.awt.image.DataBuffer;
import java.io.IOException;

/**
 * What one decode will allocate, known from the header before any pixel is decoded: the bytes the
 * {@link DecodeBudget} reserves for it. The decoder's raster at the size it is decoded, a turned copy when
 * EXIF asks for one, float planes when they are made, and the decoder's own working memory.
 */
final class DecodeCost {

    /** Three float planes: 12 bytes a pixel. */
    static final int FLOAT_PLANES = 12;

    private DecodeCost() {
    }

    /** libjpeg-turbo writes packed RGB or gray at the reduced size. */
    static long ofTurboJpeg(byte[] jpeg, TurboJpeg.Header header, int denominator, int orientation, boolean floats) {
        int channels = header.gray() ? 1 : 3;
        long pixels = (long) TurboJpeg.scaled(header.width(), denominator) * TurboJpeg.scaled(header.height(), denominator);
        return pixels * (channels + (orientation > 1 ? channels : 0) + (floats ? FLOAT_PLANES : 0))
                + working(ImageFormat.JPEG, jpeg, (long) header.width() * header.height());
    }

    /** ImageIO's raster of {@code pixels} (after subsampling), as the reader's raw image type says it is laid out. */
    static long ofImageIo(ImageReader reader, ImageFormat format, byte[] bytes, long pixels, long fullPixels,
                          int orientation, boolean floats) throws IOException {
        ImageTypeSpecifier type = reader.getRawImageType(0);
        boolean inPlace = type != null && Rasters.readInPlace(type.getColorModel(), type.getSampleModel());
        long raster = type == null ? 8 : (long) type.getSampleModel().getNumBands()
                * DataBuffer.getDataTypeSize(type.getSampleModel().getDataType()) / 8;
        long turned = orientation > 1 ? (inPlace ? raster : FLOAT_PLANES) : 0;
        return pixels * (raster + turned + (inPlace && !floats ? 0 : FLOAT_PLANES)) + working(format, bytes, fullPixels);
    }

    /**
     * Memory the decoder itself holds beyond its output: a progressive JPEG keeps every DCT coefficient of
     * the full image (2 bytes, up to 3 per pixel); WebP and TIFF readers may build the full frame.
     */
    private static long working(ImageFormat format, byte[] bytes, long fullPixels) {
        return switch (format) {
            case JPEG -> JpegMarkers.isProgressive(bytes) ? 6 * fullPixels : 0;
            case WEBP, TIFF -> 4 * fullPixels;
            default -> 0;
        };
    }
}

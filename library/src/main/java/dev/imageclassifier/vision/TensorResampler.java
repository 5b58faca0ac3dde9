package dev.imageclassifier.vision;

/**
 * The fast path from a decoder's 8-bit raster to a normalised CHW model input: the same antialiased
 * bilinear taps as {@link Resampler} (Pillow's), the normalisation applied as each output row is finished,
 * straight into the tensor (no float copy of the image, no intermediate image, nothing boxed). Of the two
 * orders of the separable passes it takes the one with fewer multiply-adds: horizontal first (exactly
 * {@link Resampler}'s sums, so bit for bit the exact path's tensor), or vertical first over whole byte rows
 * (one contiguous multiply-add per byte), which adds the same products in another order and so differs by
 * float rounding only (at most a few millionths of a normalised unit, a thousandth of a grey level).
 */
final class TensorResampler {

    private TensorResampler() {
    }

    /**
     * The box [x0, x1) × [y0, y1) of {@code src} resampled to {@code outWidth} × {@code outHeight}, each
     * channel {@code c} mapped to {@code value * scale[c] - shift[c]}, as three planes in one array.
     */
    static float[] resize(ByteRaster src, Preprocessor.Box box, float[] scale, float[] shift) {
        int outWidth = box.outWidth();
        int outHeight = box.outHeight();
        Resampler.Coefficients horizontal = Resampler.Coefficients.of(src.width(), box.x0(), box.x1(), outWidth);
        Resampler.Coefficients vertical = Resampler.Coefficients.of(src.height(), box.y0(), box.y1(), outHeight);
        if (!verticalFirstIsCheaper(src, box, horizontal, vertical)) {
            float[] out = new float[3 * outWidth * outHeight];
            Resampler.resizeInto(src, box.x0(), box.y0(), box.x1(), box.y1(), outWidth, outHeight, out, scale, shift);
            return out;
        }
        return verticalFirst(src, box, horizontal, vertical, scale, shift);
    }

    /** {@link #resize} with the vertical pass first, whatever it costs (for comparisons). */
    static float[] resizeVerticalFirst(ByteRaster src, Preprocessor.Box box, float[] scale, float[] shift) {
        return verticalFirst(src, box, Resampler.Coefficients.of(src.width(), box.x0(), box.x1(), box.outWidth()),
                Resampler.Coefficients.of(src.height(), box.y0(), box.y1(), box.outHeight()), scale, shift);
    }

    private static float[] verticalFirst(ByteRaster src, Preprocessor.Box box, Resampler.Coefficients horizontal,
                                         Resampler.Coefficients vertical, float[] scale, float[] shift) {
        int outWidth = box.outWidth();
        int outHeight = box.outHeight();
        int ps = src.pixelStride();
        // Only the columns some horizontal tap reads.
        int firstColumn = horizontal.start[0];
        int lastColumn = firstColumn;
        for (int x = 0; x < outWidth; x++) {
            firstColumn = Math.min(firstColumn, horizontal.start[x]);
            lastColumn = Math.max(lastColumn, horizontal.start[x] + horizontal.count[x]);
        }
        int rowBytes = (lastColumn - firstColumn) * ps;
        int rowStart = firstColumn * ps;
        byte[] data = src.data();
        int scanline = src.scanlineStride();
        float[] row = new float[rowBytes];
        int area = outWidth * outHeight;
        float[] out = new float[3 * area];
        int red = src.red();
        int green = src.green();
        int blue = src.blue();
        float scaleR = scale[0];
        float scaleG = scale[1];
        float scaleB = scale[2];
        float shiftR = shift[0];
        float shiftG = shift[1];
        float shiftB = shift[2];
        for (int y = 0; y < outHeight; y++) {
            verticalRow(data, scanline, rowStart, rowBytes, vertical, y, row);
            int outRow = y * outWidth;
            for (int x = 0; x < outWidth; x++) {
                int at = (horizontal.start[x] - firstColumn) * ps;
                int count = horizontal.count[x];
                int k = x * horizontal.stride;
                float sumR = 0f;
                float sumG = 0f;
                float sumB = 0f;
                for (int j = 0; j < count; j++, at += ps) {
                    float weight = horizontal.weights[k + j];
                    sumR += row[at + red] * weight;
                    sumG += row[at + green] * weight;
                    sumB += row[at + blue] * weight;
                }
                out[outRow + x] = sumR * scaleR - shiftR;
                out[area + outRow + x] = sumG * scaleG - shiftG;
                out[2 * area + outRow + x] = sumB * scaleB - shiftB;
            }
        }
        return out;
    }

    /**
     * Multiply-adds of each order: vertical first touches every byte of the needed columns once per vertical
     * tap, then 3 × out × horizontal taps; horizontal first 3 × needed rows × out width × horizontal taps,
     * then 3 × out × vertical taps.
     */
    static boolean verticalFirstIsCheaper(ByteRaster src, Preprocessor.Box box, Resampler.Coefficients horizontal,
                                          Resampler.Coefficients vertical) {
        double hTaps = horizontal.meanCount();
        double vTaps = vertical.meanCount();
        double out = 3.0 * box.outWidth() * box.outHeight();
        double columns = Math.min(src.width(), box.x1() - box.x0() + 2 * hTaps);
        double rows = Math.min(src.height(), box.y1() - box.y0() + 2 * vTaps);
        double verticalFirst = box.outHeight() * columns * src.pixelStride() * vTaps + out * hTaps;
        double horizontalFirst = 3.0 * rows * box.outWidth() * hTaps + out * vTaps;
        return verticalFirst < horizontalFirst;
    }

    /** Output row {@code y} of the vertical pass, over {@code rowBytes} bytes from {@code rowStart} of each source row. */
    private static void verticalRow(byte[] data, int scanline, int rowStart, int rowBytes, Resampler.Coefficients vertical,
                                    int y, float[] row) {
        int start = vertical.start[y];
        int count = vertical.count[y];
        int k = y * vertical.stride;
        int from = start * scanline + rowStart;
        float first = vertical.weights[k];
        for (int i = 0; i < rowBytes; i++) {
            row[i] = (data[from + i] & 0xFF) * first;
        }
        for (int j = 1; j < count; j++) {
            float weight = vertical.weights[k + j];
            int offset = (start + j) * scanline + rowStart;
            for (int i = 0; i < rowBytes; i++) {
                row[i] += (data[offset + i] & 0xFF) * weight;
            }
        }
    }
}

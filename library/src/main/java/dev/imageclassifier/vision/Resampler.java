package dev.imageclassifier.vision;

/**
 * Antialiased bilinear resampling of a box of the source image, computed the way Pillow does it (and
 * so the way torchvision's {@code Resize} does for images): a triangle filter whose support widens with
 * the downscale factor, applied separably, horizontal pass first.
 *
 * <p>Resampling a box instead of the whole image lets "resize then centre-crop" compute only the
 * pixels that survive the crop, with exactly the same coefficients.
 */
public final class Resampler {

    private Resampler() {
    }

    /**
     * Resamples the source box [x0, x1) × [y0, y1) (in source pixel units, may be fractional) to an
     * image of outWidth × outHeight.
     */
    public static RgbImage resize(PixelSource src, double x0, double y0, double x1, double y1, int outWidth, int outHeight) {
        RgbImage out = RgbImage.blank(outWidth, outHeight);
        resizeInto(src, x0, y0, x1, y1, outWidth, outHeight, out.pixels(), null, null);
        return out;
    }

    /**
     * {@link #resize} into {@code dst} (three planes), each channel {@code c} then mapped to
     * {@code value * scale[c] - shift[c]} as its row is finished (no scaling when {@code scale} is null):
     * the same floats as resizing, then normalising.
     */
    static void resizeInto(PixelSource src, double x0, double y0, double x1, double y1, int outWidth, int outHeight,
                           float[] dst, float[] scale, float[] shift) {
        Coefficients horizontal = Coefficients.of(src.width(), x0, x1, outWidth);
        Coefficients vertical = Coefficients.of(src.height(), y0, y1, outHeight);
        int firstRow = vertical.start[0];
        int lastRow = firstRow;
        for (int i = 0; i < outHeight; i++) {
            lastRow = Math.max(lastRow, vertical.start[i] + vertical.count[i]);
        }
        int rows = lastRow - firstRow;
        // Horizontal pass over just the rows the vertical pass will read.
        float[] temp = new float[3 * rows * outWidth];
        if (src instanceof ByteRaster raster) {
            horizontal(raster, horizontal, firstRow, rows, outWidth, temp);
        } else {
            horizontal((RgbImage) src, horizontal, firstRow, rows, outWidth, temp);
        }
        int outArea = outWidth * outHeight;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < outHeight; y++) {
                int start = vertical.start[y] - firstRow;
                int count = vertical.count[y];
                int k = y * vertical.stride;
                int dstRow = c * outArea + y * outWidth;
                for (int j = 0; j < count; j++) {
                    float weight = vertical.weights[k + j];
                    int tempRow = (c * rows + start + j) * outWidth;
                    for (int x = 0; x < outWidth; x++) {
                        dst[dstRow + x] += temp[tempRow + x] * weight;
                    }
                }
                if (scale != null) {
                    float factor = scale[c];
                    float offset = shift[c];
                    for (int x = 0; x < outWidth; x++) {
                        dst[dstRow + x] = dst[dstRow + x] * factor - offset;
                    }
                }
            }
        }
    }

    private static void horizontal(RgbImage src, Coefficients taps, int firstRow, int rows, int outWidth, float[] temp) {
        float[] in = src.pixels();
        int srcArea = src.area();
        int srcWidth = src.width();
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < rows; r++) {
                int srcRow = c * srcArea + (firstRow + r) * srcWidth;
                int tempRow = (c * rows + r) * outWidth;
                for (int x = 0; x < outWidth; x++) {
                    int start = taps.start[x];
                    int count = taps.count[x];
                    int k = x * taps.stride;
                    float sum = 0f;
                    for (int j = 0; j < count; j++) {
                        sum += in[srcRow + start + j] * taps.weights[k + j];
                    }
                    temp[tempRow + x] = sum;
                }
            }
        }
    }

    /**
     * The same pass over 8-bit interleaved samples, three channels at once: each sum adds the same
     * products in the same order as over floats, so the result is bit for bit the same.
     */
    private static void horizontal(ByteRaster src, Coefficients taps, int firstRow, int rows, int outWidth, float[] temp) {
        byte[] in = src.data();
        int stride = src.pixelStride();
        int red = src.red();
        int green = src.green();
        int blue = src.blue();
        int plane = rows * outWidth;
        for (int r = 0; r < rows; r++) {
            int srcRow = (firstRow + r) * src.scanlineStride();
            int tempRow = r * outWidth;
            for (int x = 0; x < outWidth; x++) {
                int at = srcRow + taps.start[x] * stride;
                int count = taps.count[x];
                int k = x * taps.stride;
                float sumR = 0f;
                float sumG = 0f;
                float sumB = 0f;
                for (int j = 0; j < count; j++, at += stride) {
                    float weight = taps.weights[k + j];
                    sumR += (in[at + red] & 0xFF) * weight;
                    sumG += (in[at + green] & 0xFF) * weight;
                    sumB += (in[at + blue] & 0xFF) * weight;
                }
                temp[tempRow + x] = sumR;
                temp[plane + tempRow + x] = sumG;
                temp[2 * plane + tempRow + x] = sumB;
            }
        }
    }

    /** Filter taps for one axis: for each output index, the first input index, the tap count and weights. */
    static final class Coefficients {
        final int[] start;
        final int[] count;
        final float[] weights;
        final int stride;

        private Coefficients(int[] start, int[] count, float[] weights, int stride) {
            this.start = start;
            this.count = count;
            this.weights = weights;
            this.stride = stride;
        }

        /** Taps per output index, on average. */
        double meanCount() {
            long total = 0;
            for (int c : count) {
                total += c;
            }
            return (double) total / count.length;
        }

        /** Pillow's precompute_coeffs for the bilinear filter (support 1). */
        static Coefficients of(int inSize, double in0, double in1, int outSize) {
            double scale = (in1 - in0) / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale;
            int stride = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[outSize];
            int[] count = new int[outSize];
            float[] weights = new float[outSize * stride];
            double inverse = 1.0 / filterScale;
            for (int i = 0; i < outSize; i++) {
                double center = in0 + (i + 0.5) * scale;
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), inSize);
                if (max <= min) { // box entirely outside the image: take the nearest edge pixel
                    min = Math.min(Math.max((int) center, 0), inSize - 1);
                    max = min + 1;
                }
                double total = 0;
                double[] w = new double[max - min];
                for (int j = 0; j < w.length; j++) {
                    double t = Math.abs((j + min - center + 0.5) * inverse);
                    w[j] = t < 1.0 ? 1.0 - t : 0.0;
                    total += w[j];
                }
                start[i] = min;
                count[i] = w.length;
                for (int j = 0; j < w.length; j++) {
                    weights[i * stride + j] = (float) (total == 0 ? 1.0 / w.length : w[j] / total);
                }
            }
            return new Coefficients(start, count, weights, stride);
        }
    }
}

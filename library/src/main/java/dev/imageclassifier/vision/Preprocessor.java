package dev.imageclassifier.vision;

import dev.imageclassifier.Framing;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Applies a {@link Preprocessing} to one image: the single code path from pixels to a model input row,
 * used by feature extraction, evaluation, the CLI's predict and the server alike.
 */
public final class Preprocessor {

    /**
     * A decode may shrink an image only while the box the preprocessing reads keeps at least this many
     * source pixels per output pixel, so the antialiased resize still has detail to average.
     */
    public static final double MIN_OVERSAMPLING = 2.0;

    private final Preprocessing settings;
    private final float[] mean;
    private final float[] std;

    public Preprocessor(Preprocessing settings) {
        this.settings = settings;
        this.mean = settings.mean();
        this.std = settings.std();
    }

    public Preprocessing settings() {
        return settings;
    }

    /** The part of a {@code width}×{@code height} image that is resampled, in source pixels, and to what size. */
    public record Box(double x0, double y0, double x1, double y1, int outWidth, int outHeight) {

        /** Source pixels per output pixel along the scarcer axis. */
        double oversampling() {
            return Math.min((x1 - x0) / outWidth, (y1 - y0) / outHeight);
        }
    }

    /**
     * The part of the source the framing reads, resampled to crop × crop: the whole image, or torchvision's
     * {@code Resize(resize)} + {@code CenterCrop(crop)} as one box of the source.
     */
    public Box box(int w, int h) {
        if (settings.framing() == Framing.WHOLE) {
            return new Box(0, 0, w, h, settings.crop(), settings.crop());
        }
        int size = settings.resize();
        int crop = settings.crop();
        // torchvision: the shorter side becomes `size`, the longer one int(size * long / short).
        int resizedW = w <= h ? size : (int) ((long) size * w / h);
        int resizedH = w <= h ? (int) ((long) size * h / w) : size;
        // torchvision: crop offsets are int(round((resized - crop) / 2)), Python rounding half to even.
        int left = (int) Math.rint((resizedW - crop) / 2.0);
        int top = (int) Math.rint((resizedH - crop) / 2.0);
        double scaleX = (double) w / resizedW;
        double scaleY = (double) h / resizedH;
        return new Box(left * scaleX, top * scaleY, (left + crop) * scaleX, (top + crop) * scaleY, crop, crop);
    }

    /**
     * How many times smaller than {@code width}×{@code height} (as displayed) an image may be decoded
     * and still give this preprocessing {@link #MIN_OVERSAMPLING} source pixels per output pixel; at
     * most 1 means "decode at full size".
     */
    public double maxReduction(int width, int height) {
        return box(width, height).oversampling() / MIN_OVERSAMPLING;
    }

    /**
     * How many times smaller an image may be decoded through DCT scaling (which averages, like a box
     * filter) and still leave at least the model's input size in the box the preprocessing reads: a
     * 4032×3024 photo may be decoded at 1/8 for a 224-pixel input, as Pillow's {@code draft()} does.
     */
    public double maxDctReduction(int width, int height) {
        return box(width, height).oversampling();
    }

    /** The shorter side an image needs for this preprocessing's view (for {@link ImageDecoder#decode(byte[], int, java.util.function.Function)}). */
    public int minShorterSide() {
        return (int) Math.ceil(settings.resize() * MIN_OVERSAMPLING);
    }

    /**
     * The model inputs of several views of one decoded image, in order; the centre crop is computed once.
     *
     * @param contentSeed a number drawn from the image's content (e.g. its hash): with the view's own seed
     *                    it seeds the random augmentations, so a view is the same in every run and order
     */
    public float[][] tensors(RgbImage image, List<View> views, long contentSeed) {
        float[][] tensors = new float[views.size()][];
        float[] center = null;
        for (int k = 0; k < views.size(); k++) {
            View view = views.get(k);
            if (view.kind() == View.Kind.AUGMENTED) {
                tensors[k] = normalize(view.augmentation().apply(image, augmentationRegion(image.width(), image.height()),
                        settings.crop(), randomFor(view, contentSeed)));
            } else {
                center = center == null ? toTensor(image) : center;
                tensors[k] = view.kind() == View.Kind.CENTER ? center : mirrored(center, settings.crop());
            }
        }
        return tensors;
    }

    /**
     * Where random training crops are drawn: the whole image for the centre crop (torchvision's training
     * transform, which the reference recipe reproduces) and for the whole-image framing, the evaluation's
     * square for the short-side framing, so augmented views follow the framing the model is served with.
     */
    public Box augmentationRegion(int w, int h) {
        return settings.framing() == Framing.SHORT_SIDE ? box(w, h) : new Box(0, 0, w, h, settings.crop(), settings.crop());
    }

    /** The shorter side an image needs for all these views (see {@link #minShorterSide()}). */
    public int minShorterSide(List<View> views) {
        int side = minShorterSide();
        for (View view : views) {
            if (view.kind() == View.Kind.AUGMENTED) {
                side = Math.max(side, view.augmentation().minShorterSide(settings.crop()));
            }
        }
        return side;
    }

    private static SplittableRandom randomFor(View view, long contentSeed) {
        return new SplittableRandom(view.seed() ^ contentSeed ^ (view.index() * 0x9E3779B97F4A7C15L));
    }

    /** Mirrors a CHW tensor left ↔ right. */
    static float[] mirrored(float[] chw, int size) {
        float[] out = new float[chw.length];
        for (int row = 0; row < chw.length / size; row++) {
            int base = row * size;
            for (int x = 0; x < size; x++) {
                out[base + x] = chw[base + size - 1 - x];
            }
        }
        return out;
    }

    /** Resize, crop, normalise: the eval transform as one CHW float row. */
    public float[] toTensor(PixelSource image) {
        return normalize(centerCrop(image));
    }

    /**
     * {@link #toTensor} along the fast path: from an 8-bit raster in one pass ({@link TensorResampler}),
     * equal to it up to float rounding; other pixel sources take {@link #toTensor}.
     */
    public float[] toTensorFast(PixelSource image) {
        if (!(image instanceof ByteRaster raster)) {
            return toTensor(image);
        }
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = 1f / (255f * std[c]);
            shift[c] = mean[c] / std[c];
        }
        return TensorResampler.resize(raster, box(raster.width(), raster.height()), scale, shift);
    }

    /** The framed image: the {@link #box} resampled to crop × crop. */
    public RgbImage centerCrop(PixelSource image) {
        Box box = box(image.width(), image.height());
        return Resampler.resize(image, box.x0(), box.y0(), box.x1(), box.y1(), box.outWidth(), box.outHeight());
    }

    /** Scales [0, 255] samples to [0, 1] and standardises each channel. */
    public float[] normalize(RgbImage image) {
        float[] px = image.pixels();
        float[] out = new float[px.length];
        int area = image.area();
        for (int c = 0; c < 3; c++) {
            float scale = 1f / (255f * std[c]);
            float shift = mean[c] / std[c];
            int base = c * area;
            for (int i = 0; i < area; i++) {
                out[base + i] = px[base + i] * scale - shift;
            }
        }
        return out;
    }
}

package dev.imageclassifier.vision;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Applies a {@link Preprocessing} to one image: the single code path from pixels to a model input row,
 * used by feature extraction, evaluation, the CLI's predict and the server alike.
 */
public final class Preprocessor {

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
                tensors[k] = normalize(view.augmentation().apply(image, settings.crop(), randomFor(view, contentSeed)));
            } else {
                center = center == null ? toTensor(image) : center;
                tensors[k] = view.kind() == View.Kind.CENTER ? center : mirrored(center, settings.crop());
            }
        }
        return tensors;
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

    /** Resize the shorter side, centre crop, normalise: the eval transform as one CHW float row. */
    public float[] toTensor(RgbImage image) {
        return normalize(centerCrop(image));
    }

    /** The resized and centre-cropped image, torchvision's {@code Resize} + {@code CenterCrop}. */
    public RgbImage centerCrop(RgbImage image) {
        int w = image.width();
        int h = image.height();
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
        return Resampler.resize(image, left * scaleX, top * scaleY, (left + crop) * scaleX, (top + crop) * scaleY, crop, crop);
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

package dev.imageclassifier.vision;

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

package dev.imageclassifier.vision;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The training augmentations of the reference service, applied to a decoded image: random resized crop, horizontal
 * flip, small rotation (torchvision's {@code RandomResizedCrop}, {@code RandomHorizontalFlip},
 * {@code RandomRotation}; the rotated corners are black, as there). Driven by the caller's seeded
 * random source, so a view is reproducible from its seed.
 */
public record Augmentation(double minScale, double maxScale, double minRatio, double maxRatio,
                           double flipProbability, double maxRotationDegrees) implements java.io.Serializable {

    /** torchvision's defaults, as the reference service used them: crops of 8–100 % of the area, flip half the time, ±10°. */
    public static final Augmentation TORCHVISION = new Augmentation(0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, 0.5, 10.0);

    /** Milder crops (35–100 %): features of tiny crops only confuse a linear head on frozen features. */
    public static final Augmentation DEFAULT = new Augmentation(0.35, 1.0, 3.0 / 4.0, 4.0 / 3.0, 0.5, 10.0);

    public Augmentation {
        if (!(0 < minScale && minScale <= maxScale && maxScale <= 1)) {
            throw new IllegalArgumentException("need 0 < minScale <= maxScale <= 1");
        }
        if (!(0 < minRatio && minRatio <= maxRatio)) {
            throw new IllegalArgumentException("need 0 < minRatio <= maxRatio");
        }
    }

    /** Stable text form, part of the feature-cache key. */
    public String describe() {
        return String.format(Locale.ROOT, "rrc(scale=%.4f-%.4f,ratio=%.4f-%.4f),flip=%.2f,rotate=%.2f",
                minScale, maxScale, minRatio, maxRatio, flipProbability, maxRotationDegrees);
    }

    /**
     * The shorter side an image needs so that even the smallest crop this augmentation draws keeps
     * {@link Preprocessor#MIN_OVERSAMPLING} source pixels per output pixel at {@code size}.
     */
    public int minShorterSide(int size) {
        double smallestSide = Math.sqrt(minScale * Math.min(minRatio, 1 / maxRatio));
        return (int) Math.ceil(Preprocessor.MIN_OVERSAMPLING * size / smallestSide);
    }

    /**
     * One augmented crop of {@code size}×{@code size}, as an image (normalise it with the preprocessor). The
     * random crop is drawn inside {@code region}, the part of the image the evaluation framing reads, so the
     * training views look like what the model will see.
     */
    public RgbImage apply(RgbImage image, Preprocessor.Box region, int size, SplittableRandom random) {
        int x0 = (int) Math.floor(region.x0());
        int y0 = (int) Math.floor(region.y0());
        int w = Math.max(1, Math.min(image.width(), (int) Math.ceil(region.x1())) - x0);
        int h = Math.max(1, Math.min(image.height(), (int) Math.ceil(region.y1())) - y0);
        int[] box = randomCrop(w, h, random);
        RgbImage view = Resampler.resize(image, x0 + box[0], y0 + box[1], x0 + box[0] + box[2], y0 + box[1] + box[3], size, size);
        if (random.nextDouble() < flipProbability) {
            view = view.mirrored();
        }
        double angle = (random.nextDouble() * 2 - 1) * maxRotationDegrees;
        return maxRotationDegrees > 0 ? rotate(view, angle) : view;
    }

    /** torchvision's RandomResizedCrop.get_params: {left, top, width, height}. */
    int[] randomCrop(int w, int h, SplittableRandom random) {
        double area = (double) w * h;
        double logMin = Math.log(minRatio);
        double logMax = Math.log(maxRatio);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (minScale + random.nextDouble() * (maxScale - minScale));
            double ratio = Math.exp(logMin + random.nextDouble() * (logMax - logMin));
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
                int top = random.nextInt(h - ch + 1);
                int left = random.nextInt(w - cw + 1);
                return new int[] {left, top, cw, ch};
            }
        }
        // Fallback: the largest central crop whose ratio is in range.
        double inRatio = (double) w / h;
        int cw = w;
        int ch = h;
        if (inRatio < minRatio) {
            ch = (int) Math.round(w / minRatio);
        } else if (inRatio > maxRatio) {
            cw = (int) Math.round(h * maxRatio);
        }
        return new int[] {(w - cw) / 2, (h - ch) / 2, cw, ch};
    }

    /** Rotates about the centre by {@code degrees} (counter-clockwise), bilinear, black outside. */
    static RgbImage rotate(RgbImage image, double degrees) {
        int w = image.width();
        int h = image.height();
        int area = w * h;
        double radians = Math.toRadians(degrees);
        double cos = Math.cos(radians);
        double sin = Math.sin(radians);
        double cx = w / 2.0;
        double cy = h / 2.0;
        float[] src = image.pixels();
        RgbImage out = RgbImage.blank(w, h);
        float[] dst = out.pixels();
        for (int y = 0; y < h; y++) {
            double dy = y + 0.5 - cy;
            for (int x = 0; x < w; x++) {
                double dx = x + 0.5 - cx;
                // Inverse mapping: where in the source does this output pixel come from?
                double sx = cos * dx - sin * dy + cx - 0.5;
                double sy = sin * dx + cos * dy + cy - 0.5;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                float fx = (float) (sx - x0);
                float fy = (float) (sy - y0);
                int to = y * w + x;
                for (int c = 0; c < 3; c++) {
                    int base = c * area;
                    float top = lerp(sample(src, base, w, h, x0, y0), sample(src, base, w, h, x0 + 1, y0), fx);
                    float bottom = lerp(sample(src, base, w, h, x0, y0 + 1), sample(src, base, w, h, x0 + 1, y0 + 1), fx);
                    dst[base + to] = lerp(top, bottom, fy);
                }
            }
        }
        return out;
    }

    private static float sample(float[] px, int base, int w, int h, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0f : px[base + y * w + x];
    }

    private static float lerp(float a, float b, float t) {
        return a + (b - a) * t;
    }
}

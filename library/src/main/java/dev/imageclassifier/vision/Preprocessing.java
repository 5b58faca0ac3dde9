package dev.imageclassifier.vision;

import dev.imageclassifier.Framing;
import java.util.Arrays;
import java.util.Locale;

/**
 * The evaluation transform shared by training features and serving: the image framed into
 * {@code crop}×{@code crop} (see {@link Framing}; for the centre crops, the shorter side goes to
 * {@code resize} first) with antialiased bilinear resampling, scaled to [0, 1], minus {@code mean},
 * divided by {@code std}; RGB channel order, NCHW layout. Defaults to torchvision's ImageNet eval transform.
 */
public record Preprocessing(int resize, int crop, float[] mean, float[] std, Framing framing) {

    public static final Preprocessing IMAGENET = new Preprocessing(256, 224,
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    /** A centre-crop preprocessing (torchvision's). */
    public Preprocessing(int resize, int crop, float[] mean, float[] std) {
        this(resize, crop, mean, std, Framing.CENTER_CROP);
    }

    public Preprocessing {
        if (framing == null) {
            throw new IllegalArgumentException("a framing is needed");
        }
        if (crop <= 0 || resize < crop) {
            throw new IllegalArgumentException("need 0 < crop <= resize, got resize " + resize + ", crop " + crop);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * This preprocessing with another framing of the same {@code crop}: the shorter side goes to crop / 0.875
     * for {@link Framing#CENTER_CROP} (256 for 224) and to crop for the others.
     */
    public Preprocessing withFraming(Framing newFraming) {
        int newResize = newFraming == Framing.CENTER_CROP ? (int) Math.round(crop / 0.875) : crop;
        return new Preprocessing(newResize, crop, mean, std, newFraming);
    }

    /** Floats in one CHW tensor of this preprocessing. */
    public int tensorSize() {
        return 3 * crop * crop;
    }

    /** The shape of one model input row: {@code [3, crop, crop]} (CHW). */
    public long[] rowShape() {
        return new long[] {3, crop, crop};
    }

    /**
     * A stable text form: part of the feature-cache key, so any change re-extracts features. The centre
     * crop, the only framing before framings existed, is not named, so caches from then stay valid.
     */
    public String describe() {
        return String.format(Locale.ROOT, "resize=%d,crop=%d,mean=%s,std=%s,interpolation=bilinear-antialias,order=RGB,layout=NCHW%s",
                resize, crop, Arrays.toString(mean), Arrays.toString(std),
                framing == Framing.CENTER_CROP ? "" : ",framing=" + framing.id());
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Preprocessing p && p.resize == resize && p.crop == crop && p.framing == framing
                && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * resize + crop) + 7 * Arrays.hashCode(mean) + Arrays.hashCode(std) + framing.hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }
}

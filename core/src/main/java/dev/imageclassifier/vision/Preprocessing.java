package dev.imageclassifier.vision;

import java.util.Arrays;
import java.util.Locale;

/**
 * The evaluation transform shared by training features and serving: shorter side to {@code resize}
 * with antialiased bilinear resampling, centre crop {@code crop}×{@code crop}, scale to [0, 1],
 * subtract {@code mean}, divide by {@code std}; RGB channel order, NCHW layout. Defaults to
 * torchvision's ImageNet eval transform.
 */
public record Preprocessing(int resize, int crop, float[] mean, float[] std) {

    public static final Preprocessing IMAGENET = new Preprocessing(256, 224,
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    public Preprocessing {
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

    /** Floats in one CHW tensor of this preprocessing. */
    public int tensorSize() {
        return 3 * crop * crop;
    }

    /** The shape of one model input row: {@code [3, crop, crop]} (CHW). */
    public long[] rowShape() {
        return new long[] {3, crop, crop};
    }

    /** A stable text form: part of the feature-cache key, so any change re-extracts features. */
    public String describe() {
        return String.format(Locale.ROOT, "resize=%d,crop=%d,mean=%s,std=%s,interpolation=bilinear-antialias,order=RGB,layout=NCHW",
                resize, crop, Arrays.toString(mean), Arrays.toString(std));
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
        return other instanceof Preprocessing p && p.resize == resize && p.crop == crop
                && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * resize + crop) + 7 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return describe();
    }
}

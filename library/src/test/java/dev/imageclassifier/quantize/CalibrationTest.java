package dev.imageclassifier.quantize;

import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.Subset;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CalibrationTest {

    /** 100,000 values spread over [0, 1) (ReLU-like), then one outlier at 100. */
    private static ActivationStats statsWithOutlier() {
        float[] values = new float[100_001];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < values.length - 1; i++) {
            values[i] = (float) Math.abs(random.nextGaussian() * 0.3);
        }
        values[values.length - 1] = 100f;
        ActivationStats stats = new ActivationStats();
        stats.observeRange(FloatBuffer.wrap(values));
        stats.startHistogram();
        stats.observeHistogram(FloatBuffer.wrap(values));
        return stats;
    }

    @Test
    void minmaxKeepsTheOutlierWhilePercentileAndEntropyClipIt() {
        ActivationStats stats = statsWithOutlier();
        assertThat(stats.range(CalibrationMethod.MINMAX, 99.99).max()).isEqualTo(100f);
        TensorRange percentile = stats.range(CalibrationMethod.PERCENTILE, 99.99);
        assertThat(percentile.min()).isCloseTo(0f, within(1e-3f)); // the smallest value seen
        assertThat(percentile.max()).isBetween(1f, 2f); // |N(0, 0.3)| holds 99.99 % below ≈ 1.17; bins are 100/2048 wide
        TensorRange entropy = stats.range(CalibrationMethod.ENTROPY, 99.99);
        // The histogram has 2048 bins up to the outlier; 255 levels need at least 255 of them (12.5 here): clipped far below 100.
        assertThat(entropy.max()).isBetween(1f, 13f);
    }

    @Test
    void theEntropyThresholdOfAnEvenHistogramKeepsEverything() {
        long[] even = new long[ActivationStats.BINS];
        java.util.Arrays.fill(even, 100);
        assertThat(EntropyThreshold.bins(even, 255)).isEqualTo(ActivationStats.BINS);
    }

    @Test
    void percentileBinsCountFromZero() {
        assertThat(ActivationStats.percentileBins(new long[] {50, 40, 9, 1}, 90)).isEqualTo(2);
        assertThat(ActivationStats.percentileBins(new long[] {50, 40, 9, 1}, 100)).isEqualTo(4);
    }

    @Test
    void calibrationImagesAreStratifiedAndSeeded() {
        List<LabeledImage> images = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            images.add(new LabeledImage("big/" + i + ".jpg", "big", Subset.TRAIN));
        }
        for (int i = 0; i < 30; i++) {
            images.add(new LabeledImage("mid/" + i + ".jpg", "mid", Subset.TRAIN));
        }
        for (int i = 0; i < 10; i++) {
            images.add(new LabeledImage("small/" + i + ".jpg", "small", Subset.TRAIN));
        }
        List<LabeledImage> picked = QuantizationImages.stratified(images, 10, 42);
        assertThat(picked).extracting(LabeledImage::label).containsExactly("big", "big", "big", "big", "big", "big", "mid", "mid",
                "mid", "small");
        assertThat(QuantizationImages.stratified(images, 10, 42)).isEqualTo(picked);
        assertThat(QuantizationImages.stratified(images, 10, 7)).isNotEqualTo(picked);
        assertThat(QuantizationImages.stratified(images, 7, 42)).extracting(LabeledImage::label)
                .containsExactly("big", "big", "big", "big", "mid", "mid", "small"); // 4.2, 2.1, 0.7: the largest remainder wins
        assertThat(QuantizationImages.stratified(images, 500, 42)).hasSize(100);
    }
}

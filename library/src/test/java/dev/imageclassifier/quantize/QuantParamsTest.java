package dev.imageclassifier.quantize;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class QuantParamsTest {

    @Test
    void anActivationRangeBecomesUint8WithZeroExact() {
        QuantParams params = QuantParams.uint8(-1f, 3f);
        assertThat(params.scale()).isCloseTo(4f / 255, within(1e-9f));
        assertThat(params.zeroPoint()).isEqualTo(64); // 1 / (4/255) = 63.75
        assertThat(params.representableMin()).isCloseTo(-64 * 4f / 255, within(1e-6f));
    }

    @Test
    void aRangeAboveZeroIsWidenedToZeroAndAConstantZeroGetsScaleOne() {
        QuantParams positive = QuantParams.uint8(0.5f, 2f);
        assertThat(positive.scale()).isCloseTo(2f / 255, within(1e-9f));
        assertThat(positive.zeroPoint()).isZero();
        assertThat(QuantParams.uint8(0f, 0f)).isEqualTo(new QuantParams(1f, 0));
        assertThat(QuantParams.uint8(-2f, -1f).zeroPoint()).isEqualTo(255);
    }

    @Test
    void weightsGetOneSymmetricScalePerOutputChannel() {
        // Conv-like [2 channels × 3]: channel 0's largest magnitude 1.27 → scale 0.01; channel 1 is all zero.
        ChannelQuantizer.Weights q = ChannelQuantizer.int8PerChannel(new float[] {0.5f, -1.27f, 0.1f, 0, 0, 0}, new long[] {2, 3}, 0);
        assertThat(q.scales()).containsExactly(new float[] {0.01f, 1f}, within(1e-7f));
        assertThat(q.values()).containsExactly(50, -127, 10, 0, 0, 0);
    }

    @Test
    void matMulWeightsAreQuantizedPerColumn() {
        // MatMul-like [K = 2 × N = 3], channel axis 1: column maxima 2.54, 0.127, 1.27.
        ChannelQuantizer.Weights q = ChannelQuantizer.int8PerChannel(new float[] {2.54f, 0.1f, -1.27f, -1.0f, 0.127f, 0.635f},
                new long[] {2, 3}, 1);
        assertThat(q.scales()).containsExactly(new float[] {0.02f, 0.001f, 0.01f}, within(1e-7f));
        assertThat(q.values()).containsExactly(127, 100, -127, -50, 127, 64); // 0.635 / 0.01 = 63.5 → 64 (half to even)
    }

    @Test
    void biasesBecomeInt32AtInputScaleTimesWeightScale() {
        float[] scales = ChannelQuantizer.biasScales(0.1f, new float[] {0.01f, 1f});
        assertThat(scales).containsExactly(new float[] {0.001f, 0.1f}, within(1e-9f));
        assertThat(ChannelQuantizer.int32Bias(new float[] {0.0123f, -0.26f}, scales)).containsExactly(12, -3);
    }
}

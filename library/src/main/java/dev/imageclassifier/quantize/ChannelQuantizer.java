package dev.imageclassifier.quantize;

/**
 * Weights to int8, one symmetric scale per output channel (a channel's largest magnitude becomes
 * ±127), and biases to int32 at {@code input scale × channel scale}: the layout ONNX Runtime's
 * QLinearConv, QGemm and QLinearMatMul take as they are.
 */
final class ChannelQuantizer {

    /** int8 values in the weight's own layout, and one scale per channel. */
    record Weights(byte[] values, float[] scales) {
    }

    private ChannelQuantizer() {
    }

    /**
     * @param dims        the weight's shape
     * @param channelAxis its output-channel axis: 0 for Conv [M, C, kh, kw] and Gemm with transB [N, K],
     *                    1 for MatMul and Gemm without transB [K, N]
     */
    static Weights int8PerChannel(float[] values, long[] dims, int channelAxis) {
        int channels = (int) dims[channelAxis];
        int inner = 1;
        for (int d = channelAxis + 1; d < dims.length; d++) {
            inner *= (int) dims[d];
        }
        float[] absMax = new float[channels];
        for (int i = 0; i < values.length; i++) {
            int c = (i / inner) % channels;
            absMax[c] = Math.max(absMax[c], Math.abs(values[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = QuantParams.int8SymmetricScale(absMax[c]);
        }
        byte[] quantized = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            quantized[i] = QuantParams.quantizeInt8(values[i], scales[(i / inner) % channels]);
        }
        return new Weights(quantized, scales);
    }

    /** The bias scale of each channel: what one unit of the int32 accumulator is worth. */
    static float[] biasScales(float inputScale, float[] weightScales) {
        float[] scales = new float[weightScales.length];
        for (int c = 0; c < scales.length; c++) {
            scales[c] = inputScale * weightScales[c];
        }
        return scales;
    }

    static int[] int32Bias(float[] bias, float[] biasScales) {
        int[] quantized = new int[bias.length];
        for (int c = 0; c < bias.length; c++) {
            quantized[c] = QuantParams.quantizeInt32(bias[c], biasScales[c]);
        }
        return quantized;
    }
}

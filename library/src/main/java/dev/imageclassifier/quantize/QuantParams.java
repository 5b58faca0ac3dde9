package dev.imageclassifier.quantize;

/**
 * Scales and zero points, computed the way ONNX Runtime's own quantization tool computes them, so that
 * its int8 kernels see exactly what they expect: activations uint8 asymmetric over a range that
 * includes 0, weights int8 symmetric per output channel ([-127, 127], zero point 0), biases int32 at
 * the scale {@code input scale × weight scale} with zero point 0.
 *
 * @param scale     real value of one quantization step
 * @param zeroPoint the quantized value that stands for real 0
 */
record QuantParams(float scale, int zeroPoint) {

    static final int UINT8_MAX = 255;
    static final int INT8_SYMMETRIC_MAX = 127;

    /** uint8 parameters covering {@code [min, max]} (widened to include 0, so that 0 is exact). */
    static QuantParams uint8(float min, float max) {
        double low = Math.min(min, 0f);
        double high = Math.max(max, 0f);
        double scale = (high - low) / UINT8_MAX;
        if (scale < Float.MIN_NORMAL) {
            return new QuantParams(1f, 0); // a constant-zero tensor: any scale represents it
        }
        long zeroPoint = Math.round(Math.rint(-low / scale)); // half to even, like numpy.round
        return new QuantParams((float) scale, (int) Math.max(0, Math.min(UINT8_MAX, zeroPoint)));
    }

    /** The real values this uint8 tensor can hold: {@code [(0 - zp) × scale, (255 - zp) × scale]}. */
    float representableMin() {
        return -zeroPoint * scale;
    }

    float representableMax() {
        return (UINT8_MAX - zeroPoint) * scale;
    }

    /** The scale of symmetric int8 values whose largest magnitude is {@code absMax}. */
    static float int8SymmetricScale(float absMax) {
        double scale = 2.0 * absMax / (2 * INT8_SYMMETRIC_MAX);
        return scale < Float.MIN_NORMAL ? 1f : (float) scale;
    }

    static byte quantizeInt8(float value, float scale) {
        float q = (float) Math.rint(value / scale);
        return (byte) Math.max(-INT8_SYMMETRIC_MAX, Math.min(INT8_SYMMETRIC_MAX, q));
    }

    static int quantizeInt32(float value, float scale) {
        double q = Math.rint(value / scale);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, q));
    }
}

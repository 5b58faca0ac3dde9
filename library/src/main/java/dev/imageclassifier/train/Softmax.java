package dev.imageclassifier.train;

/** Numerically stable softmax. */
final class Softmax {

    private Softmax() {
    }

    static float[] of(float[] logits) {
        float[] out = logits.clone();
        inPlace(out, 0, out.length);
        return out;
    }

    static void inPlace(float[] values, int from, int length) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + length; i++) {
            max = Math.max(max, values[i]);
        }
        float sum = 0;
        for (int i = from; i < from + length; i++) {
            values[i] = (float) Math.exp(values[i] - max);
            sum += values[i];
        }
        float inverse = 1f / sum;
        for (int i = from; i < from + length; i++) {
            values[i] *= inverse;
        }
    }
}

package dev.imageclassifier.train;

/**
 * The trained softmax head in the form ONNX's {@code Gemm(transB=1)} wants: weights row-major
 * [classes × dim], one bias per class, applied to the raw backbone features.
 */
public record LinearHead(int dim, int classes, float[] weights, float[] bias) {

    public LinearHead {
        if (weights.length != dim * classes || bias.length != classes) {
            throw new IllegalArgumentException("head arrays do not match " + classes + " × " + dim);
        }
    }

    public float[] logits(float[] feature) {
        float[] out = bias.clone();
        for (int c = 0; c < classes; c++) {
            float sum = 0;
            int row = c * dim;
            for (int d = 0; d < dim; d++) {
                sum += weights[row + d] * feature[d];
            }
            out[c] += sum;
        }
        return out;
    }

    public float[] probabilities(float[] feature) {
        return Softmax.of(logits(feature));
    }
}

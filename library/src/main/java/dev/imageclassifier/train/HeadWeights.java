package dev.imageclassifier.train;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** A head's weights in training layout [dim × classes] (what ONNX's x·W wants), plus the epoch they reached. */
final class HeadWeights {
    final int dim;
    final int classes;
    final float[] w;
    final float[] b;
    int epoch;

    HeadWeights(int dim, int classes, SplittableRandom random) {
        this.dim = dim;
        this.classes = classes;
        this.w = new float[dim * classes];
        this.b = new float[classes];
        // PyTorch's nn.Linear initialisation: U(−1/√dim, 1/√dim) for weights and bias.
        double bound = 1 / Math.sqrt(dim);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        for (int c = 0; c < classes; c++) {
            b[c] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
    }

    private HeadWeights(HeadWeights other) {
        this.dim = other.dim;
        this.classes = other.classes;
        this.w = other.w.clone();
        this.b = other.b.clone();
        this.epoch = other.epoch;
    }

    HeadWeights copy() {
        return new HeadWeights(this);
    }

    /** The mean of several heads: its logits are the mean of theirs, so the ensemble is one linear head. */
    static HeadWeights average(List<HeadWeights> heads) {
        HeadWeights mean = heads.get(0).copy();
        for (int k = 1; k < heads.size(); k++) {
            for (int i = 0; i < mean.w.length; i++) {
                mean.w[i] += heads.get(k).w[i];
            }
            for (int c = 0; c < mean.b.length; c++) {
                mean.b[c] += heads.get(k).b[c];
            }
        }
        float scale = 1f / heads.size();
        for (int i = 0; i < mean.w.length; i++) {
            mean.w[i] *= scale;
        }
        for (int c = 0; c < mean.b.length; c++) {
            mean.b[c] *= scale;
        }
        return mean;
    }

    /** {accuracy, mean cross-entropy} on the first view (the centre crop when cached) of the given images. */
    double[] evaluate(HeadSamples samples, List<Integer> images) {
        LinearHead head = toHead();
        int correct = 0;
        double loss = 0;
        for (int image : images) {
            float[] p = head.probabilities(Arrays.copyOfRange(samples.x, samples.firstRow[image] * dim,
                    (samples.firstRow[image] + 1) * dim));
            int label = samples.labels[image];
            correct += Metrics.argmax(p) == label ? 1 : 0;
            loss -= Math.log(Math.max(p[label], 1e-12f));
        }
        return new double[] {(double) correct / images.size(), loss / images.size()};
    }

    /** Transposed to the [classes × dim] layout of ONNX's Gemm(transB=1). */
    LinearHead toHead() {
        float[] out = new float[classes * dim];
        for (int d = 0; d < dim; d++) {
            for (int c = 0; c < classes; c++) {
                out[c * dim + d] = w[d * classes + c];
            }
        }
        return new LinearHead(dim, classes, out, b.clone());
    }
}

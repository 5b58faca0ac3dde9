package dev.imageclassifier.train;

import dev.imageclassifier.io.Progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Trains a multinomial logistic-regression head on cached backbone features with mini-batch SGD,
 * momentum, a step learning-rate schedule and L2 weight decay. With a hold-out fraction, a stratified
 * slice of the TRAINING images (never the validation set) picks the best epoch and stops early.
 * Seeded and deterministic: the same inputs give the same weights, bit for bit.
 *
 * <p>Hand-written because it is 150 lines of arithmetic on arrays already in memory; a general ML
 * library would add a large dependency for one linear layer. The loops run over the class axis so the
 * JIT vectorises them.
 */
public final class HeadTrainer {

    /** One epoch's record. */
    public record Epoch(int epoch, double learningRate, double trainLoss, double holdoutAccuracy, double holdoutLoss) {
    }

    /** The trained head and how it got there. */
    public record Result(LinearHead head, List<Epoch> history, int bestEpoch, int fitImages, int holdoutImages, double seconds) {
    }

    private final Recipe recipe;
    private final long seed;
    private final int threads;

    public HeadTrainer(Recipe recipe, long seed) {
        this(recipe, seed, Runtime.getRuntime().availableProcessors());
    }

    public HeadTrainer(Recipe recipe, long seed, int threads) {
        this.recipe = recipe;
        this.seed = seed;
        this.threads = Math.max(1, threads);
    }

    /**
     * @param views   per training image, its cached feature views (view 0 is the plain centre crop)
     * @param labels  class index per image
     * @param classes number of classes
     */
    public Result train(float[][][] views, int[] labels, int classes, Progress progress) {
        long start = System.nanoTime();
        int dim = views[0][0].length;
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] holdout = holdoutMask(labels, classes, recipe.holdoutFraction(), random.split());
        List<Integer> fit = new ArrayList<>();
        List<Integer> held = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            (holdout[i] ? held : fit).add(i);
        }

        // Standardisation statistics over every fitted view; identity when the recipe trains on raw features.
        float[] mean = new float[dim];
        float[] scale = new float[dim];
        java.util.Arrays.fill(scale, 1f);
        if (recipe.standardize()) {
            standardization(views, fit, mean, scale);
        }
        // All views of all images, standardised, in one contiguous array: row r = rowStart[image] + view.
        int[] rowStart = new int[labels.length];
        int rows = 0;
        for (int i = 0; i < labels.length; i++) {
            rowStart[i] = rows;
            rows += views[i].length;
        }
        float[] x = new float[rows * dim];
        for (int i = 0; i < labels.length; i++) {
            for (int v = 0; v < views[i].length; v++) {
                int base = (rowStart[i] + v) * dim;
                for (int d = 0; d < dim; d++) {
                    x[base + d] = (views[i][v][d] - mean[d]) * scale[d];
                }
            }
        }

        Model model = new Model(dim, classes, random.split());
        Model best = model.copy();
        int bestEpoch = 0;
        double bestAccuracy = -1;
        double bestLoss = Double.POSITIVE_INFINITY;
        int sinceBest = 0;
        List<Epoch> history = new ArrayList<>();
        float[] velocityW = new float[dim * classes];
        float[] velocityB = new float[classes];
        SplittableRandom order = random.split();
        int[] rowLabels = new int[rows];
        for (int i = 0; i < labels.length; i++) {
            java.util.Arrays.fill(rowLabels, rowStart[i], rowStart[i] + views[i].length, labels[i]);
        }
        for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
            int[] samples = epochSamples(fit, views, rowStart, order);
            double lr = recipe.learningRateAt(epoch);
            double loss = sgdEpoch(model, x, rowLabels, samples, lr, velocityW, velocityB);
            double heldAccuracy = Double.NaN;
            double heldLoss = Double.NaN;
            if (!held.isEmpty()) {
                double[] eval = evaluate(model, x, labels, rowStart, held);
                heldAccuracy = eval[0];
                heldLoss = eval[1];
            }
            history.add(new Epoch(epoch + 1, lr, loss, heldAccuracy, heldLoss));
            progress.step();
            progress.message(String.format(Locale.ROOT, "loss %.4f%s", loss,
                    held.isEmpty() ? "" : String.format(Locale.ROOT, ", hold-out acc %.2f%%", 100 * heldAccuracy)));
            if (held.isEmpty()) {
                best = model;
                bestEpoch = epoch + 1;
                continue;
            }
            if (heldAccuracy > bestAccuracy || (heldAccuracy == bestAccuracy && heldLoss < bestLoss)) {
                bestAccuracy = heldAccuracy;
                bestLoss = heldLoss;
                best = model.copy();
                bestEpoch = epoch + 1;
                sinceBest = 0;
            } else if (recipe.patience() > 0 && ++sinceBest >= recipe.patience()) {
                break;
            }
        }
        LinearHead head = best.fold(mean, scale);
        return new Result(head, history, bestEpoch, fit.size(), held.size(), (System.nanoTime() - start) / 1e9);
    }

    /** The rows one epoch visits, shuffled: every view of every image, or one random view per image. */
    private int[] epochSamples(List<Integer> fit, float[][][] views, int[] rowStart, SplittableRandom random) {
        List<Integer> rows = new ArrayList<>();
        for (int image : fit) {
            if (recipe.oneViewPerEpoch()) {
                rows.add(rowStart[image] + random.nextInt(views[image].length));
            } else {
                for (int v = 0; v < views[image].length; v++) {
                    rows.add(rowStart[image] + v);
                }
            }
        }
        int[] samples = rows.stream().mapToInt(Integer::intValue).toArray();
        for (int i = samples.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = samples[i];
            samples[i] = samples[j];
            samples[j] = swap;
        }
        return samples;
    }

    /** One pass of mini-batch SGD with momentum; returns the mean training loss. */
    private double sgdEpoch(Model model, float[] x, int[] rowLabels, int[] samples, double lr, float[] velocityW, float[] velocityB) {
        int dim = model.dim;
        int classes = model.classes;
        int parts = Math.min(threads, 8);
        float[][] gradW = new float[parts][dim * classes];
        float[][] gradB = new float[parts][classes];
        double[] partLoss = new double[parts];
        double totalLoss = 0;
        float momentum = (float) recipe.momentum();
        float decay = (float) recipe.weightDecay();
        float step = (float) lr;
        for (int from = 0; from < samples.length; from += recipe.batchSize()) {
            int to = Math.min(samples.length, from + recipe.batchSize());
            int batch = to - from;
            int first = from;
            IntStream.range(0, parts).parallel().forEach(p -> {
                int lo = first + batch * p / parts;
                int hi = first + batch * (p + 1) / parts;
                partLoss[p] = model.gradient(x, rowLabels, samples, lo, hi, batch, gradW[p], gradB[p]);
            });
            for (int p = 1; p < parts; p++) {
                add(gradW[0], gradW[p]);
                add(gradB[0], gradB[p]);
            }
            for (int p = 0; p < parts; p++) {
                totalLoss += partLoss[p] * batch;
            }
            float[] w = model.weights;
            float[] g = gradW[0];
            for (int i = 0; i < w.length; i++) {
                velocityW[i] = momentum * velocityW[i] + g[i] + decay * w[i];
                w[i] -= step * velocityW[i];
            }
            for (int c = 0; c < classes; c++) {
                velocityB[c] = momentum * velocityB[c] + gradB[0][c];
                model.bias[c] -= step * velocityB[c];
            }
        }
        return totalLoss / samples.length;
    }

    private static void add(float[] into, float[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }

    /** {accuracy, mean loss} of the centre view of the given images. */
    private static double[] evaluate(Model model, float[] x, int[] labels, int[] rowStart, List<Integer> images) {
        int correct = 0;
        double loss = 0;
        float[] logits = new float[model.classes];
        for (int image : images) {
            model.logits(x, rowStart[image] * model.dim, logits, 0);
            Softmax.inPlace(logits, 0, logits.length);
            int predicted = 0;
            for (int c = 1; c < logits.length; c++) {
                if (logits[c] > logits[predicted]) {
                    predicted = c;
                }
            }
            correct += predicted == labels[image] ? 1 : 0;
            loss -= Math.log(Math.max(logits[labels[image]], 1e-12f));
        }
        return new double[] {(double) correct / images.size(), loss / images.size()};
    }

    private static void standardization(float[][][] views, List<Integer> fit, float[] mean, float[] scale) {
        int dim = mean.length;
        double[] sum = new double[dim];
        double[] sumSquares = new double[dim];
        long count = 0;
        for (int image : fit) {
            for (float[] view : views[image]) {
                for (int d = 0; d < dim; d++) {
                    sum[d] += view[d];
                    sumSquares[d] += (double) view[d] * view[d];
                }
                count++;
            }
        }
        for (int d = 0; d < dim; d++) {
            double m = sum[d] / count;
            double variance = Math.max(0, sumSquares[d] / count - m * m);
            mean[d] = (float) m;
            scale[d] = variance > 1e-12 ? (float) (1 / Math.sqrt(variance)) : 1f;
        }
    }

    /** A stratified, seeded hold-out mask; classes with fewer than 2 images keep them all for fitting. */
    static boolean[] holdoutMask(int[] labels, int classes, double fraction, SplittableRandom random) {
        boolean[] mask = new boolean[labels.length];
        if (fraction <= 0) {
            return mask;
        }
        for (int c = 0; c < classes; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    members.add(i);
                }
            }
            if (members.size() < 2) {
                continue;
            }
            java.util.Collections.shuffle(members, new java.util.Random(random.nextLong()));
            int take = (int) Math.max(1, Math.round(members.size() * fraction));
            for (int k = 0; k < Math.min(take, members.size() - 1); k++) {
                mask[members.get(k)] = true;
            }
        }
        return mask;
    }

    /** Weights in training layout [dim × classes], so the hot loops run along the class axis. */
    private static final class Model {
        final int dim;
        final int classes;
        final float[] weights;
        final float[] bias;

        Model(int dim, int classes, SplittableRandom random) {
            this.dim = dim;
            this.classes = classes;
            this.weights = new float[dim * classes];
            this.bias = new float[classes];
            // PyTorch's nn.Linear initialisation: U(−1/√dim, 1/√dim) for weights and bias.
            double bound = 1 / Math.sqrt(dim);
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            for (int c = 0; c < classes; c++) {
                bias[c] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
        }

        private Model(Model other) {
            this.dim = other.dim;
            this.classes = other.classes;
            this.weights = other.weights.clone();
            this.bias = other.bias.clone();
        }

        Model copy() {
            return new Model(this);
        }

        void logits(float[] x, int offset, float[] out, int outOffset) {
            System.arraycopy(bias, 0, out, outOffset, classes);
            for (int d = 0; d < dim; d++) {
                float value = x[offset + d];
                if (value == 0f) {
                    continue;
                }
                int row = d * classes;
                for (int c = 0; c < classes; c++) {
                    out[outOffset + c] += value * weights[row + c];
                }
            }
        }

        /**
         * Cross-entropy gradient of samples[lo, hi) into gradW / gradB (overwritten), each sample weighted
         * 1 / batch; returns the summed loss of these samples divided by batch. Loops run feature-major so
         * each weight row is read once per batch, not once per sample.
         */
        double gradient(float[] x, int[] rowLabels, int[] samples, int lo, int hi, int batch, float[] gradW, float[] gradB) {
            int n = hi - lo;
            int[] offsets = new int[n];
            float[] p = new float[n * classes];
            for (int s = 0; s < n; s++) {
                offsets[s] = samples[lo + s] * dim;
                System.arraycopy(bias, 0, p, s * classes, classes);
            }
            for (int d = 0; d < dim; d++) {
                int row = d * classes;
                for (int s = 0; s < n; s++) {
                    float value = x[offsets[s] + d];
                    if (value != 0f) {
                        int out = s * classes;
                        for (int c = 0; c < classes; c++) {
                            p[out + c] += value * weights[row + c];
                        }
                    }
                }
            }
            java.util.Arrays.fill(gradB, 0f);
            double loss = 0;
            float inverse = 1f / batch;
            for (int s = 0; s < n; s++) {
                int out = s * classes;
                Softmax.inPlace(p, out, classes);
                int label = rowLabels[samples[lo + s]];
                loss -= Math.log(Math.max(p[out + label], 1e-12f));
                p[out + label] -= 1f;
                for (int c = 0; c < classes; c++) {
                    p[out + c] *= inverse;
                    gradB[c] += p[out + c];
                }
            }
            java.util.Arrays.fill(gradW, 0f);
            for (int d = 0; d < dim; d++) {
                int row = d * classes;
                for (int s = 0; s < n; s++) {
                    float value = x[offsets[s] + d];
                    if (value != 0f) {
                        int out = s * classes;
                        for (int c = 0; c < classes; c++) {
                            gradW[row + c] += value * p[out + c];
                        }
                    }
                }
            }
            return loss / batch;
        }

        /** Undo the standardisation: W'[c][d] = W[d][c]·scale[d], b'[c] = b[c] − Σ_d W[d][c]·scale[d]·mean[d]. */
        LinearHead fold(float[] mean, float[] scale) {
            float[] out = new float[classes * dim];
            float[] b = new float[classes];
            for (int c = 0; c < classes; c++) {
                double shift = 0;
                for (int d = 0; d < dim; d++) {
                    float w = weights[d * classes + c] * scale[d];
                    out[c * dim + d] = w;
                    shift += (double) w * mean[d];
                }
                b[c] = (float) (bias[c] - shift);
            }
            return new LinearHead(dim, classes, out, b);
        }
    }
}

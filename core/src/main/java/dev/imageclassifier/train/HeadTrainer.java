package dev.imageclassifier.train;

import ai.onnxruntime.OrtException;
import dev.imageclassifier.io.Progress;
import dev.imageclassifier.model.RuntimeOptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains a multinomial logistic-regression head on cached backbone features with mini-batch SGD,
 * momentum, a step learning-rate schedule and L2 weight decay. With a hold-out fraction, a stratified
 * slice of the TRAINING images (never the validation set) picks the epoch of lowest hold-out loss and
 * stops early when it has not improved for {@code patience} epochs; the
 * head is then trained again, from the same start, on all training images for that many epochs.
 * {@link Recipe#heads()} heads from different seeds train side by side (on all cores) and the model
 * is their average, also during early stopping. Seeded and deterministic.
 *
 * <p>The optimiser is the few lines of PyTorch's SGD, written here; the matrix products of each step
 * run in ONNX Runtime ({@link HeadGradient}).
 */
public final class HeadTrainer {

    /** One epoch's record; hold-out numbers are NaN when there is no hold-out. */
    public record Epoch(int epoch, double learningRate, double trainLoss, double holdoutAccuracy, double holdoutLoss) {
    }

    /**
     * @param history   the epochs of the early-stopping run (or of the only run)
     * @param bestEpoch the epoch count of the returned head
     */
    public record Result(LinearHead head, List<Epoch> history, int bestEpoch, int holdoutImages, double seconds) {
    }

    private final Recipe recipe;
    private final long seed;
    private final RuntimeOptions runtime;

    public HeadTrainer(Recipe recipe, long seed) {
        this(recipe, seed, RuntimeOptions.defaults());
    }

    /** @param runtime where the mini-batch gradients run */
    public HeadTrainer(Recipe recipe, long seed, RuntimeOptions runtime) {
        this.recipe = recipe;
        this.seed = seed;
        this.runtime = runtime;
    }

    /**
     * @param views   per training image, its cached feature views (all of the same width)
     * @param labels  class index per image
     * @param classes number of classes
     */
    public Result train(float[][][] views, int[] labels, int classes, Progress progress) throws OrtException {
        long start = System.nanoTime();
        Samples samples = new Samples(views, labels);
        boolean[] holdout = holdoutMask(labels, classes, recipe.holdoutFraction(), new SplittableRandom(seed ^ 0x5DEECE66DL));
        List<Integer> fit = new ArrayList<>();
        List<Integer> held = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            (holdout[i] ? held : fit).add(i);
        }
        int workers = Math.min(recipe.heads(), runtime.parallelRuns());
        RuntimeOptions options = workers > 1 ? runtime.singleThreadedRuns() : runtime;
        List<HeadGradient> gradients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            for (int h = 0; h < recipe.heads(); h++) {
                gradients.add(new HeadGradient(samples.dim, classes, recipe.batchSize(), options));
            }
            List<Epoch> history = new ArrayList<>();
            Weights chosen = run(gradients, pool, samples, classes, fit, held, recipe.epochs(), history, progress);
            int bestEpoch = chosen.epoch;
            if (!held.isEmpty()) {
                List<Integer> all = new ArrayList<>(fit);
                all.addAll(held);
                Collections.sort(all);
                chosen = run(gradients, pool, samples, classes, all, List.of(), bestEpoch, new ArrayList<>(), Progress.NONE);
            }
            return new Result(chosen.toHead(), history, bestEpoch, held.size(), (System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
            for (HeadGradient gradient : gradients) {
                gradient.close();
            }
        }
    }

    /**
     * SGD of every head over {@code fit} for up to {@code epochs}, side by side; the model is their
     * average. With a hold-out, returns the average of the epoch with the lowest hold-out loss.
     */
    private Weights run(List<HeadGradient> gradients, ExecutorService pool, Samples samples, int classes,
                        List<Integer> fit, List<Integer> held, int epochs, List<Epoch> history, Progress progress)
            throws OrtException {
        List<SgdHead> heads = new ArrayList<>();
        for (int h = 0; h < gradients.size(); h++) {
            heads.add(new SgdHead(samples.dim, classes, new SplittableRandom(headSeed(seed, h))));
        }
        Weights best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        int sinceBest = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            double lr = recipe.learningRateAt(epoch);
            double loss = parallelEpoch(gradients, pool, heads, samples, fit, epoch, lr);
            Weights average = Weights.average(heads.stream().map(SgdHead::weights).toList());
            average.epoch = epoch + 1;
            double[] eval = held.isEmpty() ? new double[] {Double.NaN, Double.NaN} : average.evaluate(samples, held);
            history.add(new Epoch(epoch + 1, lr, loss, eval[0], eval[1]));
            progress.step();
            progress.message(String.format(Locale.ROOT, "loss %.4f%s", loss,
                    held.isEmpty() ? "" : String.format(Locale.ROOT, ", hold-out %.2f%%", 100 * eval[0])));
            if (held.isEmpty()) {
                best = average;
            } else if (eval[1] < bestLoss) {
                // Hold-out loss, not accuracy: on a few hundred images accuracy moves in steps of one image
                // and plateaus early, while the loss still tells a better head from a worse one.
                bestLoss = eval[1];
                best = average;
                sinceBest = 0;
            } else if (recipe.patience() > 0 && ++sinceBest >= recipe.patience()) {
                break;
            }
        }
        progress.step(epochs - history.size()); // epochs an early stop skipped, so the bar ends full
        return best;
    }

    /** The seed of head {@code h}; head 0 keeps the run's seed, so a one-head recipe trains what it always did. */
    static long headSeed(long seed, int h) {
        return seed + 0x9E3779B97F4A7C15L * h;
    }

    /** One epoch of every head, spread over the pool; returns the heads' mean training loss. */
    private double parallelEpoch(List<HeadGradient> gradients, ExecutorService pool, List<SgdHead> heads,
                                 Samples samples, List<Integer> fit, int epoch, double lr) throws OrtException {
        List<Callable<Double>> tasks = new ArrayList<>();
        for (int h = 0; h < heads.size(); h++) {
            SgdHead head = heads.get(h);
            HeadGradient gradient = gradients.get(h);
            tasks.add(() -> sgdEpoch(gradient, samples, head, samples.epochRows(fit, epoch, head.random), lr));
        }
        try {
            double sum = 0;
            for (Future<Double> result : pool.invokeAll(tasks)) {
                sum += result.get();
            }
            return sum / heads.size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("head training interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof OrtException ort) {
                throw ort;
            }
            throw e.getCause() instanceof RuntimeException unchecked ? unchecked : new IllegalStateException(e.getCause());
        }
    }

    /** One head under SGD: its weights, momentum buffers and shuffling randomness. */
    private record SgdHead(Weights weights, float[] velocityW, float[] velocityB, SplittableRandom random) {

        SgdHead(int dim, int classes, SplittableRandom random) {
            this(new Weights(dim, classes, random.split()), new float[dim * classes], new float[classes], random);
        }
    }

    /** One pass of mini-batch SGD with momentum; returns the mean training loss. */
    private double sgdEpoch(HeadGradient gradient, Samples samples, SgdHead head, int[] rows, double lr) throws OrtException {
        Weights weights = head.weights();
        float[] velocityW = head.velocityW();
        float[] velocityB = head.velocityB();
        float[] gradW = new float[weights.w.length];
        float[] gradB = new float[weights.b.length];
        float momentum = (float) recipe.momentum();
        float decay = (float) recipe.weightDecay();
        float step = (float) lr;
        double totalLoss = 0;
        for (int from = 0; from < rows.length; from += recipe.batchSize()) {
            int to = Math.min(rows.length, from + recipe.batchSize());
            totalLoss += gradient.compute(samples.x, samples.rowLabels, rows, from, to, weights.w, weights.b, gradW, gradB) * (to - from);
            // PyTorch's SGD: v = μ·v + (g + λ·w); w −= lr·v (no decay on the bias)
            for (int i = 0; i < weights.w.length; i++) {
                velocityW[i] = momentum * velocityW[i] + gradW[i] + decay * weights.w[i];
                weights.w[i] -= step * velocityW[i];
            }
            for (int c = 0; c < weights.b.length; c++) {
                velocityB[c] = momentum * velocityB[c] + gradB[c];
                weights.b[c] -= step * velocityB[c];
            }
        }
        return totalLoss / rows.length;
    }

    /** Every view of every image as one contiguous row-major matrix, row = first row of the image + view. */
    private final class Samples {
        final int dim;
        final float[] x;
        final int[] rowLabels;
        final int[] firstRow;
        final int[] viewCount;
        final int[] labels;

        Samples(float[][][] views, int[] labels) {
            this.labels = labels;
            this.dim = views[0][0].length;
            this.firstRow = new int[views.length];
            this.viewCount = new int[views.length];
            int rows = 0;
            for (int i = 0; i < views.length; i++) {
                firstRow[i] = rows;
                viewCount[i] = views[i].length;
                rows += views[i].length;
            }
            this.x = new float[rows * dim];
            this.rowLabels = new int[rows];
            for (int i = 0; i < views.length; i++) {
                for (int v = 0; v < views[i].length; v++) {
                    System.arraycopy(views[i][v], 0, x, (firstRow[i] + v) * dim, dim);
                    rowLabels[firstRow[i] + v] = labels[i];
                }
            }
        }

        /** The rows one epoch visits, shuffled: every view, or view (epoch mod V) of each image. */
        int[] epochRows(List<Integer> images, int epoch, SplittableRandom random) {
            List<Integer> rows = new ArrayList<>();
            for (int image : images) {
                if (recipe.oneViewPerEpoch()) {
                    rows.add(firstRow[image] + epoch % viewCount[image]);
                } else {
                    for (int v = 0; v < viewCount[image]; v++) {
                        rows.add(firstRow[image] + v);
                    }
                }
            }
            int[] out = rows.stream().mapToInt(Integer::intValue).toArray();
            for (int i = out.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = out[i];
                out[i] = out[j];
                out[j] = swap;
            }
            return out;
        }
    }

    /** Weights in training layout [dim × classes] (what ONNX's x·W wants), plus the epoch they reached. */
    private static final class Weights {
        final int dim;
        final int classes;
        final float[] w;
        final float[] b;
        int epoch;

        Weights(int dim, int classes, SplittableRandom random) {
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

        private Weights(Weights other) {
            this.dim = other.dim;
            this.classes = other.classes;
            this.w = other.w.clone();
            this.b = other.b.clone();
            this.epoch = other.epoch;
        }

        Weights copy() {
            return new Weights(this);
        }

        /** The mean of several heads: its logits are the mean of theirs, so the ensemble is one linear head. */
        static Weights average(List<Weights> heads) {
            Weights mean = heads.get(0).copy();
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
        double[] evaluate(Samples samples, List<Integer> images) {
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
            Collections.shuffle(members, new Random(random.nextLong()));
            int take = (int) Math.min(members.size() - 1, Math.max(1, Math.round(members.size() * fraction)));
            for (int k = 0; k < take; k++) {
                mask[members.get(k)] = true;
            }
        }
        return mask;
    }
}

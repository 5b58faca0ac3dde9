package dev.imageclassifier.train;

import ai.onnxruntime.OrtException;
import dev.imageclassifier.Progress;
import dev.imageclassifier.model.RuntimeOptions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains a multinomial logistic-regression head on cached backbone features, by full-batch L-BFGS to the
 * optimum ({@link LbfgsTrainer}, when the recipe says so) or with mini-batch SGD,
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

    /** How one weight decay of the recipe's candidates did on the hold-out, at its best epoch. */
    public record Candidate(double weightDecay, double holdoutLoss, double holdoutAccuracy, int bestEpoch) {
    }

    /**
     * @param history     the epochs of the early-stopping run of the chosen weight decay (or of the only run)
     * @param bestEpoch   the epoch count of the returned head
     * @param weightDecay the weight decay of the returned head
     * @param candidates  every weight decay tried on the hold-out (empty when the recipe fixes one)
     */
    public record Result(LinearHead head, List<Epoch> history, int bestEpoch, int holdoutImages, double weightDecay,
                         List<Candidate> candidates, double seconds) {
    }

    private final Recipe recipe;
    private final long seed;
    private final RuntimeOptions runtime;
    private final TrainedHeads trained;

    public HeadTrainer(Recipe recipe, long seed) {
        this(recipe, seed, RuntimeOptions.defaults());
    }

    /** @param runtime where the mini-batch gradients run */
    public HeadTrainer(Recipe recipe, long seed, RuntimeOptions runtime) {
        this(recipe, seed, runtime, TrainedHeads.disabled());
    }

    /** @param trained heads trained before, reused when the features, labels, recipe and seed are the same */
    public HeadTrainer(Recipe recipe, long seed, RuntimeOptions runtime, TrainedHeads trained) {
        this.recipe = recipe;
        this.seed = seed;
        this.runtime = runtime;
        this.trained = trained;
    }

    /**
     * Steps the progress bar should expect for these training views: SGD's epochs (one early-stopping run per
     * weight decay), or L-BFGS's fits.
     */
    public static int progressEpochs(Recipe recipe, float[][][] views) {
        if (recipe.solver() == Recipe.Solver.LBFGS) {
            return LbfgsTrainer.progressFits(recipe, views.length);
        }
        return recipe.forRows(rowsPerEpoch(recipe, views)).epochs() * Math.max(1, recipe.weightDecayCandidates().size());
    }

    /** Whether the L-BFGS head chooses its weight decay by cross-validation (small sets) rather than the hold-out. */
    public static boolean crossValidates(Recipe recipe, int trainImages) {
        return recipe.solver() == Recipe.Solver.LBFGS && trainImages < LbfgsTrainer.CROSS_VALIDATE_BELOW;
    }

    private static int rowsPerEpoch(Recipe recipe, float[][][] views) {
        return recipe.oneViewPerEpoch() ? views.length : java.util.Arrays.stream(views).mapToInt(v -> v.length).sum();
    }

    /**
     * @param views   per training image, its cached feature views (all of the same width)
     * @param labels  class index per image
     * @param classes number of classes
     */
    public Result train(float[][][] views, int[] labels, int classes, Progress progress) throws OrtException {
        String key = trained.enabled() ? TrainedHeads.key(views, labels, classes, recipe, seed) : null;
        Optional<Result> before = key == null ? Optional.empty() : trained.get(key);
        if (before.isPresent()) { // this run spent no time training it
            progress.step(progressEpochs(recipe, views));
            Result kept = before.get();
            return new Result(kept.head(), kept.history(), kept.bestEpoch(), kept.holdoutImages(), kept.weightDecay(),
                    kept.candidates(), 0);
        }
        Result result = recipe.solver() == Recipe.Solver.LBFGS
                ? new LbfgsTrainer(recipe, seed, runtime).train(new HeadSamples(views, labels, false), classes, progress)
                : trainNew(views, labels, classes, progress);
        if (key != null) {
            trained.put(key, result);
        }
        return result;
    }

    private Result trainNew(float[][][] views, int[] labels, int classes, Progress progress) throws OrtException {
        long start = System.nanoTime();
        HeadSamples samples = new HeadSamples(views, labels, recipe.oneViewPerEpoch());
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
            // A small training set is walked more often, so that it gets the recipe's minimum of SGD steps.
            Recipe schedule = recipe.forRows(rowsPerEpoch(recipe, views));
            Sgd sgd = new Sgd(schedule, gradients, pool, samples, classes);
            List<Double> decays = held.isEmpty() || recipe.weightDecayCandidates().isEmpty()
                    ? List.of(recipe.weightDecay()) : recipe.weightDecayCandidates();
            List<Candidate> candidates = new ArrayList<>();
            Stop chosen = null;
            for (double decay : decays) {
                Stop stop = sgd.run(decay, fit, held, schedule.epochs(), progress);
                if (decays.size() > 1) {
                    candidates.add(new Candidate(decay, stop.loss, stop.accuracy, stop.best.epoch));
                }
                // Hold-out loss, not accuracy: on a few hundred images accuracy moves in steps of one image,
                // while the loss still tells a better head from a worse one.
                chosen = chosen == null || stop.loss < chosen.loss ? stop : chosen;
            }
            HeadWeights head = chosen.best;
            if (!held.isEmpty()) {
                List<Integer> all = new ArrayList<>(fit);
                all.addAll(held);
                Collections.sort(all);
                head = sgd.run(chosen.decay, all, List.of(), chosen.best.epoch, Progress.NONE).best;
            }
            return new Result(head.toHead(), chosen.history, chosen.best.epoch, held.size(), chosen.decay, candidates,
                    (System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
            for (HeadGradient gradient : gradients) {
                gradient.close();
            }
        }
    }

    /** Where an early-stopping run ended: its best averaged head, hold-out loss and accuracy there, its epochs. */
    private record Stop(double decay, HeadWeights best, double loss, double accuracy, List<Epoch> history) {
    }

    /** SGD of every head side by side, on one training set; the model is their average. */
    private final class Sgd {
        private final Recipe schedule;
        private final List<HeadGradient> gradients;
        private final ExecutorService pool;
        private final HeadSamples samples;
        private final int classes;

        Sgd(Recipe schedule, List<HeadGradient> gradients, ExecutorService pool, HeadSamples samples, int classes) {
            this.schedule = schedule;
            this.gradients = gradients;
            this.pool = pool;
            this.samples = samples;
            this.classes = classes;
        }

        /** Up to {@code epochs} over {@code fit}; with a hold-out, stops early and keeps the epoch of lowest hold-out loss. */
        Stop run(double decay, List<Integer> fit, List<Integer> held, int epochs, Progress progress) throws OrtException {
            List<SgdHead> heads = new ArrayList<>();
            for (int h = 0; h < gradients.size(); h++) {
                heads.add(new SgdHead(samples.dim, classes, new SplittableRandom(headSeed(seed, h))));
            }
            List<Epoch> history = new ArrayList<>();
            Stop best = new Stop(decay, null, Double.POSITIVE_INFINITY, Double.NaN, history);
            int sinceBest = 0;
            for (int epoch = 0; epoch < epochs; epoch++) {
                double lr = schedule.learningRateAt(epoch);
                double loss = parallelEpoch(gradients, pool, heads, samples, fit, epoch, lr, decay);
                HeadWeights average = HeadWeights.average(heads.stream().map(SgdHead::weights).toList());
                average.epoch = epoch + 1;
                double[] eval = held.isEmpty() ? new double[] {Double.NaN, Double.NaN} : average.evaluate(samples, held);
                history.add(new Epoch(epoch + 1, lr, loss, eval[0], eval[1]));
                progress.step();
                progress.message(String.format(Locale.ROOT, "loss %.4f%s", loss,
                        held.isEmpty() ? "" : String.format(Locale.ROOT, ", hold-out %.2f%%", 100 * eval[0])));
                if (held.isEmpty() || eval[1] < best.loss) {
                    best = new Stop(decay, average, held.isEmpty() ? Double.NaN : eval[1], eval[0], history);
                    sinceBest = 0;
                } else if (schedule.patience() > 0 && ++sinceBest >= schedule.patience()) {
                    break;
                }
            }
            progress.step(epochs - history.size()); // epochs an early stop skipped, so the bar ends full
            return best;
        }
    }

    /** The seed of head {@code h}; head 0 keeps the run's seed, so a one-head recipe trains what it always did. */
    static long headSeed(long seed, int h) {
        return seed + 0x9E3779B97F4A7C15L * h;
    }

    /** One epoch of every head, spread over the pool; returns the heads' mean training loss. */
    private double parallelEpoch(List<HeadGradient> gradients, ExecutorService pool, List<SgdHead> heads,
                                 HeadSamples samples, List<Integer> fit, int epoch, double lr, double decay) throws OrtException {
        List<Callable<Double>> tasks = new ArrayList<>();
        for (int h = 0; h < heads.size(); h++) {
            SgdHead head = heads.get(h);
            HeadGradient gradient = gradients.get(h);
            tasks.add(() -> sgdEpoch(gradient, samples, head, samples.epochRows(fit, epoch, head.random), lr, decay));
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
    private record SgdHead(HeadWeights weights, float[] velocityW, float[] velocityB, SplittableRandom random) {

        SgdHead(int dim, int classes, SplittableRandom random) {
            this(new HeadWeights(dim, classes, random.split()), new float[dim * classes], new float[classes], random);
        }
    }

    /** One pass of mini-batch SGD with momentum; returns the mean training loss. */
    private double sgdEpoch(HeadGradient gradient, HeadSamples samples, SgdHead head, int[] rows, double lr, double decay)
            throws OrtException {
        HeadWeights weights = head.weights();
        float[] velocityW = head.velocityW();
        float[] velocityB = head.velocityB();
        float[] gradW = new float[weights.w.length];
        float[] gradB = new float[weights.b.length];
        float momentum = (float) recipe.momentum();
        float lambda = (float) decay;
        float step = (float) lr;
        double totalLoss = 0;
        for (int from = 0; from < rows.length; from += recipe.batchSize()) {
            int to = Math.min(rows.length, from + recipe.batchSize());
            totalLoss += gradient.compute(samples.x, samples.rowLabels, rows, from, to, weights.w, weights.b, gradW, gradB) * (to - from);
            // PyTorch's SGD: v = μ·v + (g + λ·w); w −= lr·v (no decay on the bias)
            for (int i = 0; i < weights.w.length; i++) {
                velocityW[i] = momentum * velocityW[i] + gradW[i] + lambda * weights.w[i];
                weights.w[i] -= step * velocityW[i];
            }
            for (int c = 0; c < weights.b.length; c++) {
                velocityB[c] = momentum * velocityB[c] + gradB[c];
                weights.b[c] -= step * velocityB[c];
            }
        }
        return totalLoss / rows.length;
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

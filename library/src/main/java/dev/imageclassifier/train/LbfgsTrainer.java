package dev.imageclassifier.train;

import ai.onnxruntime.OrtException;
import dev.imageclassifier.Progress;
import dev.imageclassifier.model.RuntimeOptions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The head trained to the optimum: multinomial logistic regression with an L2 penalty on the weights, minimised
 * over all training rows at once by {@link Lbfgs} (what scikit-learn's {@code LogisticRegression(solver="lbfgs")}
 * does). The penalty λ is chosen among the recipe's candidates by the loss on images left out of the fit: k-fold
 * cross-validation when the training set is small (a 10 % hold-out of a few images per class is too noisy to
 * choose by), the recipe's hold-out otherwise; the head is then fitted on every training image. Candidates go
 * from the strongest penalty to the weakest, each starting where the previous one ended, which saves most of the
 * iterations. Deterministic: no randomness but the seeded choice of the left-out images.
 */
final class LbfgsTrainer {

    /** Below this many training images λ is chosen by cross-validation. */
    static final int CROSS_VALIDATE_BELOW = 2000;
    static final int FOLDS = 5;
    /** Converged when the largest gradient component is at most this (scikit-learn's {@code tol})… */
    private static final double GRADIENT_TOLERANCE = 1e-5;
    /**
     * …and at most this fraction of its value where the fit started: a warm start from the previous penalty's
     * optimum, whose gradient may already be under the absolute tolerance, still closes most of its own gap.
     */
    private static final double GRADIENT_REDUCTION = 0.1;
    private static final double VALUE_TOLERANCE = 1e-9;

    private final Recipe recipe;
    private final long seed;
    private final RuntimeOptions runtime;

    LbfgsTrainer(Recipe recipe, long seed, RuntimeOptions runtime) {
        this.recipe = recipe;
        this.seed = seed;
        this.runtime = runtime;
    }

    /** Fits the progress bar counts: one per candidate and fold, and the final fit. */
    static int progressFits(Recipe recipe, int images) {
        int candidates = recipe.weightDecayCandidates().size();
        if (candidates <= 1) {
            return 1;
        }
        return candidates * (images < CROSS_VALIDATE_BELOW ? FOLDS : 1) + 1;
    }

    /** Fits the head; every view of every image is a training row. */
    HeadTrainer.Result train(HeadSamples samples, int classes, Progress progress) throws OrtException {
        long start = System.nanoTime();
        int images = samples.labels.length;
        List<Double> decays = new ArrayList<>(recipe.weightDecayCandidates().isEmpty()
                ? List.of(recipe.weightDecay()) : recipe.weightDecayCandidates());
        decays.sort(Comparator.reverseOrder()); // strongest first: each warm-starts the next
        List<HeadTrainer.Candidate> candidates = new ArrayList<>();
        List<HeadTrainer.Epoch> history = List.of();
        int heldOut = 0; // images judged out of their fit, over all folds
        double chosen = decays.get(0);
        double[] theta = new double[(samples.dim + 1) * classes];
        int[] fold = folds(samples.labels, classes, images < CROSS_VALIDATE_BELOW);
        int folds = java.util.Arrays.stream(fold).max().orElse(-1) + 1;
        if (decays.size() > 1 && folds > 0) {
            double[][] firstFold = new double[decays.size()][];
            double[] heldLoss = new double[decays.size()];
            double[] heldRight = new double[decays.size()];
            List<List<HeadTrainer.Epoch>> histories = new ArrayList<>();
            decays.forEach(d -> histories.add(new ArrayList<>()));
            for (int k = 0; k < folds; k++) {
                List<Integer> fit = new ArrayList<>();
                List<Integer> held = new ArrayList<>();
                for (int i = 0; i < images; i++) {
                    if (fold[i] == k) {
                        held.add(samples.firstRow[i]); // judged on the first view, as validation is
                        heldOut++;
                    } else {
                        addRows(samples, i, fit);
                    }
                }
                double[] foldTheta = new double[theta.length];
                try (SoftmaxLoss fitLoss = new SoftmaxLoss(samples, fit, classes, runtime);
                     SoftmaxLoss heldRows = new SoftmaxLoss(samples, held, classes, runtime)) {
                    for (int c = 0; c < decays.size(); c++) {
                        List<HeadTrainer.Epoch> record = k == 0 ? histories.get(c) : null;
                        fitLoss.lambda(decays.get(c));
                        minimize(fitLoss, foldTheta, record, heldRows);
                        double[] scratch = new double[theta.length];
                        heldLoss[c] += heldRows.valueAndGradient(foldTheta, scratch) * held.size();
                        heldRight[c] += heldRows.lastCorrect();
                        if (k == 0) {
                            firstFold[c] = foldTheta.clone();
                        }
                        progress.step();
                    }
                }
            }
            int best = 0;
            for (int c = 0; c < decays.size(); c++) {
                candidates.add(new HeadTrainer.Candidate(decays.get(c), heldLoss[c] / heldOut, heldRight[c] / heldOut,
                        histories.get(c).size()));
                best = heldLoss[c] < heldLoss[best] ? c : best;
            }
            chosen = decays.get(best);
            history = histories.get(best);
            theta = firstFold[best]; // the final fit starts from the chosen penalty's head on the first fold
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            addRows(samples, i, all);
        }
        List<HeadTrainer.Epoch> finalRun = new ArrayList<>();
        try (SoftmaxLoss loss = new SoftmaxLoss(samples, all, classes, runtime)) {
            loss.lambda(chosen);
            minimize(loss, theta, finalRun, null);
        }
        progress.step();
        if (history.isEmpty()) {
            history = finalRun;
        }
        progress.message(String.format(Locale.ROOT, "weight decay %.0e, %d iterations", chosen, finalRun.size()));
        return new HeadTrainer.Result(toHead(theta, samples.dim, classes), history, history.size(), heldOut, chosen,
                candidates, (System.nanoTime() - start) / 1e9);
    }

    private static void addRows(HeadSamples samples, int image, List<Integer> rows) {
        for (int v = 0; v < samples.viewCount[image]; v++) {
            rows.add(samples.firstRow[image] + v);
        }
    }

    /** Minimises {@code loss} from {@code theta} in place; records each iteration (and the held-out loss) when asked. */
    private void minimize(SoftmaxLoss loss, double[] theta, List<HeadTrainer.Epoch> record, SoftmaxLoss held) {
        Lbfgs lbfgs = new Lbfgs(recipe.maxIterations(), GRADIENT_TOLERANCE, GRADIENT_REDUCTION,
                VALUE_TOLERANCE);
        double[] scratch = record != null && held != null ? new double[theta.length] : null;
        lbfgs.minimize(loss, theta, (iteration, value, x) -> {
            if (record == null) {
                return;
            }
            double heldLoss = Double.NaN;
            double heldAccuracy = Double.NaN;
            if (held != null) {
                heldLoss = held.valueAndGradient(x, scratch);
                heldAccuracy = (double) held.lastCorrect() / held.rows();
            }
            record.add(new HeadTrainer.Epoch(iteration, Double.NaN, value, heldAccuracy, heldLoss));
        });
    }

    /**
     * The fold of each image: stratified k-fold when {@code crossValidate} (each class's images dealt round the
     * folds in a seeded order), else fold 0 is the recipe's hold-out and every other image is in no fold (−1).
     */
    int[] folds(int[] labels, int classes, boolean crossValidate) {
        int[] fold = new int[labels.length];
        if (!crossValidate) {
            boolean[] held = HeadTrainer.holdoutMask(labels, classes, recipe.holdoutFraction(), new SplittableRandom(seed ^ 0x5DEECE66DL));
            for (int i = 0; i < labels.length; i++) {
                fold[i] = held[i] ? 0 : -1;
            }
            return fold;
        }
        Random random = new Random(seed ^ 0xCF01DL);
        for (int c = 0; c < classes; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    members.add(i);
                }
            }
            Collections.shuffle(members, random);
            for (int k = 0; k < members.size(); k++) {
                fold[members.get(k)] = k % FOLDS;
            }
        }
        return fold;
    }

    /** θ = [W dim × classes, b] → the [classes × dim] layout of the classifier's Gemm. */
    static LinearHead toHead(double[] theta, int dim, int classes) {
        float[] weights = new float[classes * dim];
        for (int d = 0; d < dim; d++) {
            for (int c = 0; c < classes; c++) {
                weights[c * dim + d] = (float) theta[d * classes + c];
            }
        }
        float[] bias = new float[classes];
        for (int c = 0; c < classes; c++) {
            bias[c] = (float) theta[dim * classes + c];
        }
        return new LinearHead(dim, classes, weights, bias);
    }
}

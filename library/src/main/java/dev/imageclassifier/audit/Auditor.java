package dev.imageclassifier.audit;

import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.train.LinearHead;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The audit's analyses over the features of one split: duplicates and leakage, suspected label errors,
 * outliers. The features come from the caller (the feature cache), the file facts from {@link FileCheck}.
 */
public final class Auditor {

    /**
     * How the analyses run; {@code fitter} fits every head (out-of-fold and the leakage check), {@code parallel} of
     * them at a time.
     */
    public record Settings(int folds, long seed, RuntimeOptions runtime, HeadFitter fitter, int parallel) {
    }

    /**
     * How leakage across the split changes the validation accuracy of a head trained on the training images.
     *
     * @param valImages           validation images with features
     * @param leaked              of them, those with a copy among the training images
     * @param accuracy            on all of them
     * @param accuracyWithoutLeak on those without a copy (NaN when all are leaked)
     */
    public record Leakage(int valImages, int leaked, double accuracy, double accuracyWithoutLeak) {
    }

    /** Everything found; indices refer to the caller's image list. */
    public record Findings(List<Duplicates.Group> duplicates, List<ConfidentLearning.Suspect> suspects, List<Outliers.Outlier> outliers,
                           Leakage leakage, double[] thresholds, int similarPairs, java.util.Map<String, Double> seconds) {
    }

    private Auditor() {
    }

    /**
     * @param files    the image files, to hash the pictures of candidate near duplicates
     * @param sha256   each file's content hash (null: unreadable)
     * @param features each image's feature vector (null: unusable)
     * @param step     hears the name of each analysis as it begins
     */
    public static Findings run(List<Path> files, List<String> sha256, float[][] features, int[] labels, boolean[] training, int classes,
                               Settings settings, Consumer<String> step) throws IOException {
        java.util.Map<String, Double> seconds = new java.util.LinkedHashMap<>();
        long t = System.nanoTime();
        step.accept("near duplicates");
        float[][] unit = Similarity.normalised(features);
        List<Similarity.Pair> pairs;
        try {
            pairs = Similarity.pairsAbove(unit, Duplicates.CANDIDATE_COSINE, settings.runtime());
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException("the similarity graph failed: " + e.getMessage(), e);
        }
        seconds.put("similarity", (System.nanoTime() - t) / 1e9);
        t = System.nanoTime();
        List<Duplicates.Group> duplicates = Duplicates.find(sha256, pairs, files, training, labels);
        seconds.put("duplicates", (System.nanoTime() - t) / 1e9);
        t = System.nanoTime();
        step.accept("label errors");
        // The folds' heads and the leakage check's head, side by side: one single-threaded run per core.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(settings.parallel());
        float[][] probabilities;
        java.util.concurrent.Future<LinearHead> trainedOnTraining;
        try {
            trainedOnTraining = pool.submit(() -> trainingHead(features, labels, training, classes, settings.fitter()));
            probabilities = OutOfFold.probabilities(features, labels, classes, settings.folds(), settings.seed(), settings.fitter(), pool,
                    fold -> { });
        } finally {
            pool.shutdown();
        }
        List<ConfidentLearning.Suspect> suspects = ConfidentLearning.suspects(probabilities, labels, classes);
        double[] thresholds = ConfidentLearning.thresholds(probabilities, labels, classes);
        seconds.put("out_of_fold", (System.nanoTime() - t) / 1e9);
        t = System.nanoTime();
        step.accept("outliers");
        List<Outliers.Outlier> outliers;
        try {
            outliers = Outliers.find(unit, labels, classes, settings.runtime());
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException("the similarity graph failed: " + e.getMessage(), e);
        }
        seconds.put("outliers", (System.nanoTime() - t) / 1e9);
        t = System.nanoTime();
        step.accept("leakage");
        Leakage leakage = leakage(features, labels, training, classes, duplicates, OutOfFold.await(trainedOnTraining));
        seconds.put("leakage", (System.nanoTime() - t) / 1e9);
        return new Findings(duplicates, suspects, outliers, leakage, thresholds, pairs.size(), seconds);
    }

    /** A head fitted on the training images with features (null when there are none). */
    static LinearHead trainingHead(float[][] features, int[] labels, boolean[] training, int classes, HeadFitter fitter)
            throws IOException {
        List<float[]> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        for (int i = 0; i < features.length; i++) {
            if (features[i] != null && training[i]) {
                x.add(features[i]);
                y.add(labels[i]);
            }
        }
        return x.isEmpty() ? null : fitter.fit(x.toArray(float[][]::new), y.stream().mapToInt(Integer::intValue).toArray(), classes);
    }

    /** A head trained on the training images, scored on all validation images and on those without a copy in training. */
    static Leakage leakage(float[][] features, int[] labels, boolean[] training, int classes, List<Duplicates.Group> duplicates,
                           LinearHead head) {
        Set<Integer> leaked = new HashSet<>();
        for (Duplicates.Group group : duplicates) {
            if (group.crossSplit()) {
                group.members().stream().filter(i -> !training[i]).forEach(leaked::add);
            }
        }
        if (head == null) {
            return new Leakage(0, 0, Double.NaN, Double.NaN);
        }
        int val = 0;
        int right = 0;
        int clean = 0;
        int cleanRight = 0;
        int leakedWithFeatures = 0;
        for (int i = 0; i < features.length; i++) {
            if (features[i] == null || training[i]) {
                continue;
            }
            float[] p = head.probabilities(features[i]);
            int predicted = 0;
            for (int c = 1; c < classes; c++) {
                predicted = p[c] > p[predicted] ? c : predicted;
            }
            boolean correct = predicted == labels[i];
            val++;
            right += correct ? 1 : 0;
            if (leaked.contains(i)) {
                leakedWithFeatures++;
            } else {
                clean++;
                cleanRight += correct ? 1 : 0;
            }
        }
        return new Leakage(val, leakedWithFeatures, val == 0 ? Double.NaN : right / (double) val,
                clean == 0 ? Double.NaN : cleanRight / (double) clean);
    }
}

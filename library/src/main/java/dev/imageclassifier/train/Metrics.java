package dev.imageclassifier.train;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;

/**
 * Classification metrics with scikit-learn's definitions (so numbers compare with the reference service's): precision
 * of a class never predicted is 0, weighted averages weight by support, balanced accuracy is the mean
 * recall over classes present in the truth.
 */
public final class Metrics {

    private final List<String> classNames;
    private final int[][] confusion;
    private final int total;
    private final int correct;
    private final int top5Correct;

    private Metrics(List<String> classNames, int[][] confusion, int correct, int top5Correct, int total) {
        this.classNames = List.copyOf(classNames);
        this.confusion = confusion;
        this.correct = correct;
        this.top5Correct = top5Correct;
        this.total = total;
    }

    /** From the true class and the probability row of each sample. */
    public static Metrics of(List<String> classNames, int[] truth, float[][] probabilities) {
        int classes = classNames.size();
        int[][] confusion = new int[classes][classes];
        int correct = 0;
        int top5 = 0;
        for (int i = 0; i < truth.length; i++) {
            float[] p = probabilities[i];
            int predicted = argmax(p);
            confusion[truth[i]][predicted]++;
            correct += predicted == truth[i] ? 1 : 0;
            int higher = 0;
            for (float value : p) {
                higher += value > p[truth[i]] ? 1 : 0;
            }
            top5 += higher < 5 ? 1 : 0;
        }
        return new Metrics(classNames, confusion, correct, top5, truth.length);
    }

    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    public double accuracy() {
        return total == 0 ? 0 : (double) correct / total;
    }

    public double top5Accuracy() {
        return total == 0 ? 0 : (double) top5Correct / total;
    }

    public int[][] confusionMatrix() {
        return confusion;
    }

    public int support(int c) {
        int sum = 0;
        for (int value : confusion[c]) {
            sum += value;
        }
        return sum;
    }

    private int predictedCount(int c) {
        int sum = 0;
        for (int[] row : confusion) {
            sum += row[c];
        }
        return sum;
    }

    public double precision(int c) {
        int predicted = predictedCount(c);
        return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
    }

    public double recall(int c) {
        int support = support(c);
        return support == 0 ? 0 : (double) confusion[c][c] / support;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    private interface PerClass {
        double of(int c);
    }

    private double weighted(PerClass metric) {
        double sum = 0;
        for (int c = 0; c < classNames.size(); c++) {
            sum += metric.of(c) * support(c);
        }
        return total == 0 ? 0 : sum / total;
    }

    private double macro(PerClass metric) {
        double sum = 0;
        for (int c = 0; c < classNames.size(); c++) {
            sum += metric.of(c);
        }
        return sum / classNames.size();
    }

    public double precisionWeighted() {
        return weighted(this::precision);
    }

    public double recallWeighted() {
        return weighted(this::recall);
    }

    public double f1Weighted() {
        return weighted(this::f1);
    }

    public double precisionMacro() {
        return macro(this::precision);
    }

    public double recallMacro() {
        return macro(this::recall);
    }

    public double f1Macro() {
        return macro(this::f1);
    }

    public double balancedAccuracy() {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classNames.size(); c++) {
            if (support(c) > 0) {
                sum += recall(c);
                present++;
            }
        }
        return present == 0 ? 0 : sum / present;
    }

    /** The headline numbers, for the model's metadata. */
    public Headline headline() {
        return new Headline(accuracy(), top5Accuracy(), precisionWeighted(), recallWeighted(), f1Weighted(), balancedAccuracy(),
                total);
    }

    /** Everything, as {@code metrics.json} shows it: the reference service's keys first, then the rest. */
    public Report report() {
        List<ClassReport> perClass = new ArrayList<>();
        for (int c = 0; c < classNames.size(); c++) {
            perClass.add(new ClassReport(classNames.get(c), precision(c), recall(c), f1(c), support(c)));
        }
        return new Report(accuracy(), precisionWeighted(), recallWeighted(), confusion, f1Weighted(), precisionMacro(),
                recallMacro(), f1Macro(), top5Accuracy(), balancedAccuracy(), classNames, perClass, total, correct);
    }

    /** The headline numbers of a model, kept in its metadata. */
    public record Headline(double accuracy, @JsonProperty("top5_accuracy") double top5Accuracy,
                           @JsonProperty("precision_weighted") double precisionWeighted,
                           @JsonProperty("recall_weighted") double recallWeighted,
                           @JsonProperty("f1_weighted") double f1Weighted,
                           @JsonProperty("balanced_accuracy") double balancedAccuracy,
                           @JsonProperty("val_images") int valImages) {
    }

    /** Every metric; the confusion matrix rows and columns follow {@code classNames}. */
    public record Report(double accuracy, @JsonProperty("precision_weighted") double precisionWeighted,
                         @JsonProperty("recall_weighted") double recallWeighted,
                         @JsonProperty("confusion_matrix") int[][] confusionMatrix,
                         @JsonProperty("f1_weighted") double f1Weighted,
                         @JsonProperty("precision_macro") double precisionMacro,
                         @JsonProperty("recall_macro") double recallMacro,
                         @JsonProperty("f1_macro") double f1Macro,
                         @JsonProperty("top5_accuracy") double top5Accuracy,
                         @JsonProperty("balanced_accuracy") double balancedAccuracy,
                         @JsonProperty("class_names") List<String> classNames,
                         @JsonProperty("per_class") List<ClassReport> perClass,
                         @JsonProperty("val_images") int valImages, int correct) {
    }

    /** One class's row of the report. */
    public record ClassReport(@JsonProperty("class") String name, double precision, double recall, double f1, int support) {
    }
}

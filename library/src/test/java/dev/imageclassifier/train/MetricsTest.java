package dev.imageclassifier.train;

import dev.imageclassifier.io.Json;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MetricsTest {

    private static float[] oneHot(int classes, int hot) {
        float[] p = new float[classes];
        for (int i = 0; i < classes; i++) {
            p[i] = i == hot ? 0.9f : 0.1f / (classes - 1);
        }
        return p;
    }

    @Test
    void matchesHandComputedScikitLearnValues() {
        // truth 0 0 1 1 2, predicted 0 1 1 1 0 → confusion [[1,1,0],[0,2,0],[1,0,0]]
        int[] truth = {0, 0, 1, 1, 2};
        int[] predicted = {0, 1, 1, 1, 0};
        float[][] probabilities = new float[5][];
        for (int i = 0; i < 5; i++) {
            probabilities[i] = oneHot(3, predicted[i]);
        }
        Metrics m = Metrics.of(List.of("a", "b", "c"), truth, probabilities);
        assertThat(m.confusionMatrix()).isEqualTo(new int[][] {{1, 1, 0}, {0, 2, 0}, {1, 0, 0}});
        assertThat(m.accuracy()).isEqualTo(0.6);
        assertThat(m.precision(0)).isEqualTo(0.5);
        assertThat(m.precision(1)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.precision(2)).isEqualTo(0.0); // never predicted: 0, as scikit-learn's zero_division default
        assertThat(m.recall(1)).isEqualTo(1.0);
        assertThat(m.f1(1)).isCloseTo(0.8, within(1e-12));
        assertThat(m.precisionWeighted()).isCloseTo((0.5 * 2 + 2.0 / 3 * 2) / 5, within(1e-12));
        assertThat(m.recallWeighted()).isCloseTo(0.6, within(1e-12));
        assertThat(m.f1Weighted()).isCloseTo(0.52, within(1e-12));
        assertThat(m.precisionMacro()).isCloseTo((0.5 + 2.0 / 3) / 3, within(1e-12));
        assertThat(m.recallMacro()).isCloseTo(0.5, within(1e-12));
        assertThat(m.f1Macro()).isCloseTo(1.3 / 3, within(1e-12));
        assertThat(m.balancedAccuracy()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void topFiveCountsATruthRankedFifthButNotSixth() {
        float[] ranked = {0.30f, 0.20f, 0.15f, 0.12f, 0.10f, 0.08f, 0.05f}; // class i ranks i+1
        Metrics fifth = Metrics.of(List.of("0", "1", "2", "3", "4", "5", "6"), new int[] {4}, new float[][] {ranked});
        Metrics sixth = Metrics.of(List.of("0", "1", "2", "3", "4", "5", "6"), new int[] {5}, new float[][] {ranked});
        assertThat(fifth.top5Accuracy()).isEqualTo(1.0);
        assertThat(sixth.top5Accuracy()).isEqualTo(0.0);
        assertThat(fifth.accuracy()).isEqualTo(0.0);
    }

    @Test
    void theReportHasTheReferenceServicesKeysFirstAndPerClassRows() {
        Metrics m = Metrics.of(List.of("a", "b"), new int[] {0, 1}, new float[][] {oneHot(2, 0), oneHot(2, 1)});
        Map<String, Object> report = Json.toMap(m.report());
        assertThat(report.keySet()).startsWith("accuracy", "precision_weighted", "recall_weighted", "confusion_matrix");
        assertThat(report).containsKeys("accuracy", "precision_weighted", "recall_weighted", "confusion_matrix",
                "f1_weighted", "precision_macro", "recall_macro", "f1_macro", "top5_accuracy", "balanced_accuracy",
                "class_names", "per_class");
        assertThat(report.get("class_names")).isEqualTo(List.of("a", "b"));
        assertThat((List<?>) report.get("per_class")).hasSize(2);
    }
}

package dev.imageclassifier.audit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConfidentLearningTest {

    @Test
    void thresholdsAreEachClasssMeanSelfConfidence() {
        float[][] p = {{0.9f, 0.1f}, {0.7f, 0.3f}, {0.2f, 0.8f}, {0.4f, 0.6f}};
        int[] labels = {0, 0, 1, 1};
        assertThat(ConfidentLearning.thresholds(p, labels, 2)).containsExactly(new double[] {0.8, 0.7}, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void flagsOnlyConfidentClearDisagreementsSurestFirst() {
        float[][] p = {
                {0.95f, 0.05f, 0f}, {0.9f, 0.1f, 0f}, {0.02f, 0.98f, 0f}, // class 0; the third is clearly class 1
                {0.05f, 0.95f, 0f}, {0.1f, 0.9f, 0f}, {0.55f, 0.45f, 0f}, // class 1; the third is a hard case (margin 0.1)
                {0f, 0.1f, 0.9f}, {0.1f, 0.05f, 0.85f}, {0.86f, 0f, 0.14f}}; // class 2; the third is clearly class 0
        int[] labels = {0, 0, 0, 1, 1, 1, 2, 2, 2};
        assertThat(ConfidentLearning.suspects(p, labels, 3)).extracting(ConfidentLearning.Suspect::index, ConfidentLearning.Suspect::suggested)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, 1), org.assertj.core.groups.Tuple.tuple(8, 0));
    }
}

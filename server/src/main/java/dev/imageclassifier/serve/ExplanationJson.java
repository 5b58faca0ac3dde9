package dev.imageclassifier.serve;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.imageclassifier.Explanation;

/**
 * The {@code explanation} of a {@code /predict?explain=true} answer: the class explained and its class
 * activation map over the part of the image the model saw, {@code height} rows of {@code width} values
 * in 0..1 (1: the strongest evidence), top row first.
 */
public record ExplanationJson(@JsonProperty("class") String label, double[][] grid, int width, int height) {

    static ExplanationJson of(Explanation explanation) {
        double[][] grid = new double[explanation.height()][explanation.width()];
        for (int y = 0; y < grid.length; y++) {
            for (int x = 0; x < grid[y].length; x++) {
                grid[y][x] = Math.round(explanation.grid()[y][x] * 1000) / 1000.0; // three digits are plenty to draw with
            }
        }
        return new ExplanationJson(explanation.label(), grid, explanation.width(), explanation.height());
    }
}

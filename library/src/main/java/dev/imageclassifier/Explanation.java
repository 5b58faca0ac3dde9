package dev.imageclassifier;

/**
 * Why the classifier answered as it did: the prediction, and for one class ({@code label}, the top one
 * unless another was asked for) its class activation map — where in the framed image (the part the model
 * saw) the evidence for that class lies, as a {@code height × width} grid scaled to 0..1 (1: strongest).
 *
 * <pre>{@code
 * Explanation e = classifier.explain(bytes, null);
 * int[] peak = e.peak();   // {x, y} in a e.width() × e.height() grid
 * Files.write(Path.of("heatmap.png"), classifier.heatmapPng(bytes, e));
 * }</pre>
 *
 * @param prediction the classifier's answer for the image
 * @param label      the class explained: the one asked for, else the prediction's label
 * @param grid       rows top to bottom, each left to right, values 0..1
 */
public record Explanation(Prediction prediction, String label, float[][] grid) {

    /** @return the number of columns of {@link #grid()} */
    public int width() {
        return grid[0].length;
    }

    /** @return the number of rows of {@link #grid()} */
    public int height() {
        return grid.length;
    }

    /**
     * The cell with the strongest evidence (the first one, row by row, on a tie).
     *
     * @return its column and row, as {@code {x, y}}
     */
    public int[] peak() {
        int[] best = {0, 0};
        for (int y = 0; y < grid.length; y++) {
            for (int x = 0; x < grid[y].length; x++) {
                if (grid[y][x] > grid[best[1]][best[0]]) {
                    best = new int[] {x, y};
                }
            }
        }
        return best;
    }
}

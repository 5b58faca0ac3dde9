package dev.imageclassifier.explain;

/**
 * One class's activation map read from model output rows (class probabilities followed by the maps of
 * every class, [C, h, w], h = w), averaged over views and scaled to 0..1 for display.
 */
public final class ClassActivationMap {

    private ClassActivationMap() {
    }

    /**
     * @param rows     one row per view of the same image
     * @param mirrored per view, whether it saw the image mirrored (its map is mirrored back)
     * @param classes  number of classes C
     * @return [h][w], the strongest cell 1 and the weakest 0 (all 0 for a flat map)
     */
    public static float[][] grid(float[][] rows, boolean[] mirrored, int classes, int classIndex) {
        int cells = (rows[0].length - classes) / classes;
        int side = (int) Math.round(Math.sqrt(cells));
        if (side * side != cells || cells * classes + classes != rows[0].length || classIndex < 0 || classIndex >= classes) {
            throw new IllegalArgumentException("rows of " + rows[0].length + " values are not " + classes
                    + " probabilities and " + classes + " square maps, or class " + classIndex + " is out of range");
        }
        float[][] grid = new float[side][side];
        for (int v = 0; v < rows.length; v++) {
            int offset = classes + classIndex * cells;
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    grid[y][mirrored[v] ? side - 1 - x : x] += rows[v][offset + y * side + x];
                }
            }
        }
        return normalised(grid);
    }

    /** Min–max scaling: only the relative strength of cells means anything once the bias is left out. */
    static float[][] normalised(float[][] grid) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float[] row : grid) {
            for (float value : row) {
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
        }
        float range = max - min;
        for (float[] row : grid) {
            for (int x = 0; x < row.length; x++) {
                row[x] = range > 0 ? (row[x] - min) / range : 0;
            }
        }
        return grid;
    }
}

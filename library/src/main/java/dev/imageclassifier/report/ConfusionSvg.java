package dev.imageclassifier.report;

import java.util.List;
import java.util.Locale;

/**
 * The confusion matrix as an inline SVG that stays readable at 101 classes: classes in the given order
 * (worst recall first, so the errors gather top left), only non-empty cells drawn, shaded by the share
 * of the true class's images, each with a tooltip; it scales with the page and zooms with the browser.
 */
final class ConfusionSvg {

    private static final int CELL = 9;
    private static final int LABELS = 130;

    private ConfusionSvg() {
    }

    /** @param order class indices, rows and columns alike */
    static String of(int[][] confusion, List<String> names, int[] order) {
        int n = order.length;
        int size = LABELS + n * CELL;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg class=\"matrix\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"matrix-title\" xmlns=\"http://www.w3.org/2000/svg\">"
                        + "<title id=\"matrix-title\">Confusion matrix: rows are the true classes, columns the predicted ones</title>",
                size, size));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f7f8fb\"/>", LABELS, LABELS, n * CELL, n * CELL));
        for (int i = 0; i < n; i++) {
            String name = Html.escape(names.get(order[i]));
            int at = LABELS + i * CELL + CELL - 2;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"row\">%s</text>", LABELS - 3, at, name));
            svg.append(String.format(Locale.ROOT, "<text transform=\"translate(%d %d) rotate(-90)\" class=\"col\">%s</text>",
                    at, LABELS - 3, name));
        }
        for (int r = 0; r < n; r++) {
            int[] row = confusion[order[r]];
            int total = 0;
            for (int count : row) {
                total += count;
            }
            for (int c = 0; c < n; c++) {
                int count = row[order[c]];
                if (count == 0) {
                    continue;
                }
                double share = (double) count / total;
                // Right answers in green, mistakes in red; a darker shade is a larger share of the row.
                String colour = r == c ? shade(40, 140, 80, share) : shade(200, 40, 40, Math.min(1, 0.25 + share));
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s → %s: %d of %d (%.0f %%)</title></rect>",
                        LABELS + c * CELL, LABELS + r * CELL, CELL, CELL, colour, Html.escape(names.get(order[r])),
                        Html.escape(names.get(order[c])), count, total, 100 * share));
            }
        }
        return svg.append("</svg>").toString();
    }

    private static String shade(int r, int g, int b, double strength) {
        double s = Math.max(0.15, Math.min(1, strength));
        return String.format(Locale.ROOT, "rgb(%d,%d,%d)", mix(r, s), mix(g, s), mix(b, s));
    }

    private static int mix(int channel, double strength) {
        return (int) Math.round(255 - (255 - channel) * strength);
    }
}

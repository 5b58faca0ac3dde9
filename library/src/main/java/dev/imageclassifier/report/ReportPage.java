package dev.imageclassifier.report;

import dev.imageclassifier.ModelInfo;
import dev.imageclassifier.train.Metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The visual evaluation report as one self-contained HTML page (inline CSS, SVG and JPEG; no script, no
 * network): headline metrics beside the ones recorded at training, per-class precision and recall worst
 * first, the most confused pairs with an example each, the confusion matrix, the training curves when the
 * training's metrics.json is at hand, and misclassified images
 * with the heatmap of the class the model wrongly chose.
 */
final class ReportPage {

    /**
     * A misclassified image as the report shows it; {@code image} is a data: URI (null when it could not be drawn);
     * {@code inGrid}: among the most confident mistakes shown in the grid (else drawn only as a confused pair's example).
     */
    record Figure(String file, String truth, String predicted, float confidence, String image, boolean inGrid) {
    }

    /** A confused pair: true class, the class it was taken for, and how many images. */
    record Pair(int truth, int predicted, int count) {
    }

    /**
     * @param atTraining the metrics the file's metadata recorded at training (may be empty)
     * @param curves        the training curves, or why they are not shown (null: no metrics.json given)
     * @param modelIdentity {@link ModelInfo#identity()}, in a meta element: the server shows a report only for its own model
     */
    record Content(String modelIdentity, String model, String backbone, String recipe, Map<String, Object> atTraining, Metrics.Report metrics,
                   List<Figure> mistakes, int skipped, String when, TrainingCurves.Curves curves) {
    }

    private static final int PAIRS = 15;
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;color:#1d2433;background:#f6f7fa;margin:0;padding:1.5rem}
            main{max-width:1100px;margin:0 auto}section{background:#fff;border:1px solid #d6dbe4;border-radius:12px;padding:1rem 1.25rem;margin:1rem 0}
            h1{margin:0 0 .25rem}h2{font-size:1.15rem;margin:0 0 .75rem}.muted{color:#5b6578}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eef0f4;font-variant-numeric:tabular-nums}
            .bar{display:inline-block;height:.7rem;background:#2f5fd0;border-radius:4px;vertical-align:middle}.bar.recall{background:#2e8b57}
            .metrics td:nth-child(n+2){text-align:right}.scroll{max-height:32rem;overflow:auto}
            .wide{overflow-x:auto;max-width:100%}td{overflow-wrap:anywhere}
            @media (max-width:600px){body{padding:.5rem}section{padding:.75rem}th,td{padding:.2rem .3rem;font-size:.85rem}
            .bar{max-width:3rem}td img{height:36px}}
            .matrix{width:100%;height:auto;max-width:1000px}.matrix text{font-size:7px}.matrix .row{text-anchor:end}.matrix .col{text-anchor:start}
            .curve{width:100%;max-width:460px;height:auto;margin-right:1rem}.curve text{font-size:10px;fill:#5b6578}.curve .title{font-size:12px;fill:#1d2433}.curve .legend{font-size:10px}
            .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:.75rem}
            figure{margin:0}figure img{width:100%;height:auto;max-height:240px;object-fit:contain;border-radius:6px}
            figcaption{font-size:.85rem;overflow-wrap:anywhere}
            .wrong{color:#b3261e;font-weight:600}td img{height:48px;border-radius:4px}
            """;

    private ReportPage() {
    }

    static String render(Content content) {
        Metrics.Report m = content.metrics();
        // The policy makes "no network" a promise the browser keeps: only inline styles and data: images load.
        StringBuilder html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Evaluation report</title>"
                + "<meta name=\"" + ModelInfo.IDENTITY_META_NAME + "\" content=\"" + Html.escape(content.modelIdentity()) + "\">"
                + "<style>" + STYLE + "</style></head><body><main>");
        html.append("<h1>Evaluation report</h1><p class=\"muted\">").append(Html.escape(content.model())).append(" · backbone ")
                .append(Html.escape(content.backbone())).append(" · recipe ").append(Html.escape(content.recipe())).append(" · ")
                .append(m.valImages()).append(" validation images").append(content.skipped() > 0 ? " (" + content.skipped() + " unreadable, skipped)" : "")
                .append(" · ").append(Html.escape(content.when())).append("</p>");
        headline(html, m, content.atTraining());
        TrainingCurves.Curves curves = content.curves() == null
                ? TrainingCurves.Curves.absent("no metrics.json of this model's training was given to the report") : content.curves();
        html.append("<section><h2>Training curves</h2>").append(curves.history() == null
                ? "<p class=\"muted\">Not shown: " + Html.escape(curves.absence()) + ".</p>"
                : TrainingCurves.svg(curves.history())).append("</section>");
        perClass(html, m);
        pairs(html, m, content.mistakes());
        int[] order = IntStream.range(0, m.classNames().size()).filter(c -> present(m, c)).boxed()
                .sorted(Comparator.comparingDouble((Integer c) -> m.perClass().get(c).recall()).thenComparing(c -> m.classNames().get(c)))
                .mapToInt(Integer::intValue).toArray();
        html.append("<section><h2>Confusion matrix</h2><p class=\"muted\">Rows: true class, columns: predicted, both sorted by recall, "
                + "worst first. Green: right, red: wrong; darker is a larger share of the row. Hover a cell for its count; zoom in to read the names.</p>")
                .append(ConfusionSvg.of(m.confusionMatrix(), m.classNames(), order)).append("</section>");
        mistakes(html, content.mistakes());
        return html.append("</main></body></html>").toString();
    }

    private static void headline(StringBuilder html, Metrics.Report m, Map<String, Object> atTraining) {
        html.append("<section><h2>Headline</h2><div class=\"wide\"><table class=\"metrics\"><thead><tr><th scope=\"col\">Metric</th>"
                + "<th scope=\"col\">This evaluation</th><th scope=\"col\">Recorded at training</th></tr></thead><tbody>");
        Object[][] rows = {{"Top-1 accuracy", m.accuracy(), "accuracy"}, {"Top-5 accuracy", m.top5Accuracy(), "top5_accuracy"},
                {"Balanced accuracy", m.balancedAccuracy(), "balanced_accuracy"}, {"Weighted F1", m.f1Weighted(), "f1_weighted"},
                {"Macro F1", m.f1Macro(), "f1_macro"}};
        for (Object[] row : rows) {
            Object then = atTraining.get((String) row[2]);
            html.append("<tr><td>").append(row[0]).append("</td><td>").append(Html.percent((Double) row[1])).append("</td><td>")
                    .append(then instanceof Number n ? Html.percent(n.doubleValue()) : "—").append("</td></tr>");
        }
        html.append("</tbody></table></div></section>");
    }

    private static void perClass(StringBuilder html, Metrics.Report m) {
        List<Metrics.ClassReport> sorted = new ArrayList<>(IntStream.range(0, m.classNames().size()).filter(c -> present(m, c))
                .mapToObj(m.perClass()::get).toList());
        sorted.sort(Comparator.comparingDouble(Metrics.ClassReport::f1).thenComparing(Metrics.ClassReport::name));
        html.append("<section><h2>Precision and recall per class, worst F1 first</h2><div class=\"scroll wide\"><table><thead><tr>"
                + "<th scope=\"col\">Class</th><th scope=\"col\">Images</th><th scope=\"col\">Precision</th><th scope=\"col\">Recall</th>"
                + "<th scope=\"col\">F1</th></tr></thead><tbody>");
        for (Metrics.ClassReport c : sorted) {
            html.append("<tr><td>").append(Html.escape(c.name())).append("</td><td>").append(c.support()).append("</td><td>")
                    .append(bar(c.precision(), "")).append("</td><td>").append(bar(c.recall(), " recall")).append("</td><td>")
                    .append(Html.number(c.f1(), 3)).append("</td></tr>");
        }
        html.append("</tbody></table></div></section>");
    }

    /** Whether a class has validation images or was predicted: the others would only fill the page with zeros. */
    private static boolean present(Metrics.Report m, int c) {
        if (m.perClass().get(c).support() > 0) {
            return true;
        }
        return IntStream.range(0, m.confusionMatrix().length).anyMatch(t -> m.confusionMatrix()[t][c] > 0);
    }

    private static String bar(double value, String kind) {
        return String.format(Locale.ROOT, "<span class=\"bar%s\" style=\"width:%.1fpx\"></span> %s", kind, 120 * value, Html.percent(value));
    }

    /** The pairs the page lists, most images first. */
    static List<Pair> confusedPairs(Metrics.Report m) {
        int[][] confusion = m.confusionMatrix();
        List<Pair> pairs = new ArrayList<>();
        for (int t = 0; t < confusion.length; t++) {
            for (int p = 0; p < confusion.length; p++) {
                if (t != p && confusion[t][p] > 0) {
                    pairs.add(new Pair(t, p, confusion[t][p]));
                }
            }
        }
        pairs.sort(Comparator.comparingInt(Pair::count).reversed().thenComparingInt(Pair::truth));
        return pairs.subList(0, Math.min(PAIRS, pairs.size()));
    }

    private static void pairs(StringBuilder html, Metrics.Report m, List<Figure> figures) {
        List<Pair> pairs = confusedPairs(m);
        html.append("<section><h2>Most confused pairs</h2><div class=\"wide\"><table><thead><tr><th scope=\"col\">True class</th><th scope=\"col\">Taken for</th>"
                + "<th scope=\"col\">Images</th><th scope=\"col\">Share of the class</th><th scope=\"col\">Example (heatmap of the wrong class)</th>"
                + "</tr></thead><tbody>");
        for (Pair pair : pairs) {
            String truth = m.classNames().get(pair.truth());
            String predicted = m.classNames().get(pair.predicted());
            String example = figures.stream().filter(f -> f.truth().equals(truth) && f.predicted().equals(predicted) && f.image() != null)
                    .findFirst().map(f -> "<img src=\"" + f.image() + "\" alt=\"" + Html.escape(truth + " taken for " + predicted) + "\">")
                    .orElse("");
            html.append("<tr><td>").append(Html.escape(truth)).append("</td><td class=\"wrong\">").append(Html.escape(predicted))
                    .append("</td><td>").append(pair.count()).append("</td><td>")
                    .append(Html.percent((double) pair.count() / m.perClass().get(pair.truth()).support())).append("</td><td>")
                    .append(example).append("</td></tr>");
        }
        if (pairs.isEmpty()) {
            html.append("<tr><td colspan=\"5\">No mistakes.</td></tr>");
        }
        html.append("</tbody></table></div></section>");
    }

    private static void mistakes(StringBuilder html, List<Figure> figures) {
        html.append("<section><h2>Misclassified images, most confident first</h2><p class=\"muted\">Each image with the heatmap of the "
                + "class the model chose: where it saw that class.</p><div class=\"grid\">");
        List<Figure> grid = figures.stream().filter(Figure::inGrid).toList();
        for (Figure f : grid) {
            html.append("<figure>");
            if (f.image() != null) {
                html.append("<img src=\"").append(f.image()).append("\" alt=\"").append(Html.escape(f.file())).append("\">");
            }
            html.append("<figcaption>true <strong>").append(Html.escape(f.truth())).append("</strong>, predicted <span class=\"wrong\">")
                    .append(Html.escape(f.predicted())).append("</span> ").append(Html.percent(f.confidence())).append("<br><span class=\"muted\">")
                    .append(Html.escape(f.file())).append("</span></figcaption></figure>");
        }
        if (grid.isEmpty()) {
            html.append("<p>None.</p>");
        }
        html.append("</div></section>");
    }
}

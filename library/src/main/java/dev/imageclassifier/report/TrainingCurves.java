package dev.imageclassifier.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.ModelInfo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The training curves of the evaluated model, from the {@code metrics.json} its training wrote — only when
 * that file is the one of this very model (same run id, or for files from before run ids, the same
 * creation time), so a newer training's curves are never shown beside an older model; the page says
 * why when they are not shown.
 */
final class TrainingCurves {

    /** One epoch as {@code metrics.json} records it; hold-out numbers are NaN without a hold-out. */
    record Epoch(int epoch, double trainLoss, double holdoutLoss, double holdoutAccuracy) {
    }

    /** The curves and the epoch the model was taken from; {@code unit} is "epoch" (SGD) or "iteration" (L-BFGS). */
    record History(List<Epoch> epochs, int bestEpoch, String unit) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(TrainingCurves.class);
    private static final int WIDTH = 460;
    private static final int HEIGHT = 220;
    private static final int PAD = 36;
    /** The top of the plot area, below the title and legend row. */
    private static final int TOP = 28;

    private TrainingCurves() {
    }

    /** The curves, or (history null) why they are not shown, in words. */
    record Curves(History history, String absence) {

        static Curves absent(String why) {
            return new Curves(null, why);
        }
    }

    /**
     * The history in {@code metricsFile} if it belongs to the model; otherwise why not. A file of another
     * training run is said so (and logged): a training stopped between writing its model and its
     * {@code metrics.json} leaves such a pair, as does a {@code metrics.json} given for another model.
     */
    static Curves read(Path metricsFile, ModelInfo metadata) {
        if (metricsFile == null) {
            return Curves.absent("no metrics.json of this model's training was given to the report");
        }
        if (!Files.isRegularFile(metricsFile)) {
            return Curves.absent("the metrics.json written when this model was trained was not found at " + shown(metricsFile));
        }
        JsonNode metrics;
        try {
            metrics = Json.MAPPER.readTree(metricsFile.toFile());
        } catch (IOException e) {
            return Curves.absent(shown(metricsFile) + " could not be read as JSON"); // the report is still useful without curves
        }
        Object runId = metadata.training().get("run_id");
        String theirs = metrics.path("run_id").asText(null);
        boolean same = runId != null ? Objects.equals(runId.toString(), theirs)
                : Objects.equals(metadata.createdAt(), metrics.path("created_at").asText(null));
        if (!same) {
            String why = shown(metricsFile) + " is not this model's: it records training run " + (theirs == null ? "(none)" : theirs)
                    + (runId != null ? ", the model training run " + runId : ", created " + metrics.path("created_at").asText("(unknown)")
                    + ", the model created " + metadata.createdAt())
                    + " (a training stopped between writing the model and its metrics.json, or another model's file)";
            LOG.warn("Training curves not shown: {}", why);
            return Curves.absent(why);
        }
        if (!metrics.path("history").isArray() || metrics.path("history").isEmpty()) {
            return Curves.absent(shown(metricsFile) + " records no per-epoch history");
        }
        List<Epoch> epochs = new ArrayList<>();
        for (JsonNode e : metrics.path("history")) {
            epochs.add(new Epoch(e.path("epoch").asInt(), number(e, "train_loss"), number(e, "holdout_loss"), number(e, "holdout_accuracy")));
        }
        String unit = metrics.path("recipe").path("optimizer").asText("SGD").equals("L-BFGS") ? "iteration" : "epoch";
        return new Curves(new History(epochs, metrics.path("best_epoch").asInt(epochs.size()), unit), null);
    }

    /** A path as the report may show it: as given when relative, else only its file name (no folders of this machine). */
    static String shown(Path file) {
        return file.isAbsolute() ? String.valueOf(file.getFileName()) : file.toString();
    }

    private static double number(JsonNode epoch, String field) {
        return epoch.path(field).isNumber() ? epoch.path(field).asDouble() : Double.NaN;
    }

    /**
     * Two small charts: the losses, and the hold-out accuracy on an axis scaled to its values (a 0–1 axis flattens a
     * curve that moves between 0.90 and 0.95), with the chosen epoch marked.
     */
    static String svg(History history) {
        double maxLoss = range(history, e -> java.util.stream.DoubleStream.of(e.trainLoss(), e.holdoutLoss()))[1];
        double[] accuracy = range(history, e -> java.util.stream.DoubleStream.of(e.holdoutAccuracy()));
        double margin = Math.max(0.01, (accuracy[1] - accuracy[0]) * 0.1);
        double low = Math.max(0, Math.floor((accuracy[0] - margin) * 100) / 100);
        double high = Math.min(1, Math.ceil((accuracy[1] + margin) * 100) / 100);
        String unit = history.unit();
        return chart("Loss per " + unit, history, 0, maxLoss > 0 ? maxLoss : 1, List.of(new Line("training", "#2f5fd0", Epoch::trainLoss),
                new Line("hold-out", "#d2691e", Epoch::holdoutLoss)))
                + chart("Hold-out accuracy per " + unit, history, low < high ? low : 0, low < high ? high : 1,
                List.of(new Line("hold-out accuracy", "#2e8b57", Epoch::holdoutAccuracy)));
    }

    /** {min, max} of the finite values, {0, 1} when there are none. */
    private static double[] range(History history, java.util.function.Function<Epoch, java.util.stream.DoubleStream> values) {
        var stats = history.epochs().stream().flatMapToDouble(values::apply).filter(Double::isFinite).summaryStatistics();
        return stats.getCount() == 0 ? new double[] {0, 1} : new double[] {stats.getMin(), stats.getMax()};
    }

    private record Line(String name, String colour, ToDoubleFunction<Epoch> value) {
    }

    /** The plot area runs from y = TOP to HEIGHT − PAD; the title and the legend sit above it, where no line goes. */
    private static String chart(String title, History history, double bottom, double top, List<Line> lines) {
        int n = history.epochs().size();
        int digits = top - bottom < 10 ? 2 : 0;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg class=\"curve\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" xmlns=\"http://www.w3.org/2000/svg\">"
                        + "<text x=\"%d\" y=\"14\" class=\"title\">%s</text>"
                        + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#5b6578\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#5b6578\"/>"
                        + "<text x=\"4\" y=\"%d\">%s</text><text x=\"4\" y=\"%d\">%s</text>"
                        + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s %d</text>",
                WIDTH, HEIGHT, title, PAD, title, PAD, HEIGHT - PAD, WIDTH - 8, HEIGHT - PAD, PAD, TOP, PAD, HEIGHT - PAD,
                TOP + 4, Html.number(top, digits), HEIGHT - PAD, Html.number(bottom, digits), WIDTH - 8, HEIGHT - 12,
                history.unit(), n));
        double bestX = x(history.bestEpoch(), n);
        // The label goes on the side of the marker with room for it, so it is never cut at the chart's edge.
        boolean left = bestX > WIDTH / 2.0;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>"
                + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" class=\"chosen\">chosen: %s %d</text>", bestX, TOP, bestX, HEIGHT - PAD,
                left ? bestX - 3 : bestX + 3, HEIGHT - PAD - 4, left ? "end" : "start", history.unit(), history.bestEpoch()));
        double legendX = WIDTH - 8;
        List<Line> rightToLeft = new ArrayList<>(lines);
        java.util.Collections.reverse(rightToLeft);
        for (Line line : rightToLeft) {
            StringBuilder points = new StringBuilder();
            for (Epoch e : history.epochs()) {
                double v = line.value().applyAsDouble(e);
                if (Double.isFinite(v)) {
                    double y = HEIGHT - PAD - (v - bottom) / (top - bottom) * (HEIGHT - PAD - TOP);
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(e.epoch(), n), y));
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            // The legend is one row right of the title, above the plot area: no line crosses it.
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>"
                    + "<text x=\"%.1f\" y=\"14\" text-anchor=\"end\" class=\"legend\" style=\"fill:%s\">%s</text>",
                    points.toString().trim(), line.colour(), legendX, line.colour(), line.name()));
            legendX -= 6.5 * line.name().length() + 14;
        }
        return svg.append("</svg>").toString();
    }

    private static double x(int epoch, int epochs) {
        return PAD + (epochs <= 1 ? 0.5 : (epoch - 1) / (double) (epochs - 1)) * (WIDTH - PAD - 10);
    }
}

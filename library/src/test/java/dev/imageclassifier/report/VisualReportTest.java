package dev.imageclassifier.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.TestModels;
import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.Progress;
import dev.imageclassifier.train.Evaluation;
import dev.imageclassifier.train.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The evaluation's visual report; {@link #writeReport} also serves the browser test. */
public class VisualReportTest {

    @TempDir
    Path dir;

    /**
     * Real images through the committed classifier; two airplanes are labelled car_side on purpose, so the
     * report has a known confusion to show.
     */
    public static Path writeReport(Path dir) throws Exception {
        List<LabeledImage> images = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            images.add(new LabeledImage(String.format("airplanes/image_%04d.jpg", i), "airplanes", Subset.VAL));
            images.add(new LabeledImage(String.format("car_side/image_%04d.jpg", i), "car_side", Subset.VAL));
        }
        images.add(new LabeledImage("airplanes/image_0010.jpg", "car_side", Subset.VAL));
        images.add(new LabeledImage("airplanes/image_0011.jpg", "car_side", Subset.VAL));
        SplitManifest split = new SplitManifest(TestModels.CALTECH, 42, 1.0, images, "test");
        Path report = dir.resolve("report.html");
        try (ImageClassifier classifier = ImageClassifier.load(Path.of("model/classifier.onnx"))) {
            Evaluation.Result result = Evaluation.of(classifier, split, Progress.NONE);
            assertThat(result.mistakes()).extracting(Evaluation.Mistake::predicted).containsOnly("airplanes").hasSize(2);
            VisualReport.write(classifier, "model/classifier.onnx", result, Path.of("results/metrics.json"), report);
        }
        return report;
    }

    @Test
    void theReportShowsTheConfusionWithHeatmapsAndNeedsNoNetwork() throws Exception {
        String html = Files.readString(writeReport(dir));
        assertThat(html).contains("Evaluation report", "Most confused pairs", "Confusion matrix", "Misclassified images",
                "Precision and recall per class, worst F1 first", "default-src 'none'");
        // The confused pair, with an example drawn inline.
        assertThat(html).containsPattern("<td>car_side</td><td class=\"wrong\">airplanes</td><td>2</td><td>40\\.0 %</td>"
                + "<td><img src=\"data:image/jpeg;base64,");
        assertThat(html.split("src=\"data:image/jpeg;base64,", -1)).hasSize(1 + 1 + 2); // one example, two mistakes
        assertThat(html).doesNotContain("src=\"http", "href=", "url(", "<script");
        // Classes without validation images, never predicted, are left out of the tables and the matrix.
        assertThat(html).doesNotContain(">Leopards<");
    }

    @Test
    void theTrainingCurvesOfThisModelAreShownAndThoseOfAnotherTrainingAreNot() throws Exception {
        String html = Files.readString(writeReport(dir));
        // The committed results/metrics.json is this model's: its epochs and the epoch its head was taken at.
        JsonNode training = Json.MAPPER.readTree(Path.of("results/metrics.json").toFile());
        int epochs = training.get("history").size();
        assertThat(epochs).isGreaterThan(2);
        assertThat(html).contains("Loss per epoch", "Hold-out accuracy per epoch",
                "chosen: epoch " + training.get("best_epoch").asInt(), "epoch " + epochs);
        assertThat(html).containsPattern("<polyline points=\"([0-9.]+,[0-9.]+ ){" + (epochs - 1) + "}[0-9.]+,[0-9.]+\"");

        Path other = Files.writeString(dir.resolve("other-metrics.json"),
                Files.readString(Path.of("results/metrics.json")).replace("\"created_at\" : \"2026", "\"created_at\" : \"2027")
                        .replaceAll("\"run_id\" : \"[^\"]+\"", "\"run_id\" : \"another-run\""));
        try (ImageClassifier classifier = ImageClassifier.load(Path.of("model/classifier.onnx"))) {
            assertThat(TrainingCurves.read(other, classifier.info()).history()).isNull();
            assertThat(TrainingCurves.read(Path.of("results/metrics.json"), classifier.info()).history().epochs()).hasSize(epochs);
        }
    }

    /**
     * Issue 21, hole 5: a training killed between renaming its model and its metrics.json leaves the new
     * model beside the previous metrics.json. The report finds the run ids differ and says so, instead of
     * showing another run's curves or saying nothing.
     */
    @Test
    void aMetricsFileOfAnotherRunBesideTheModelIsNamedAsSuch() throws Exception {
        Path stale = Files.writeString(dir.resolve("metrics.json"), Files.readString(Path.of("results/metrics.json"))
                .replaceAll("\"run_id\" : \"[^\"]+\"", "\"run_id\" : \"previous-run\""));
        try (ImageClassifier classifier = ImageClassifier.load(Path.of("model/classifier.onnx"))) {
            TrainingCurves.Curves curves = TrainingCurves.read(stale, classifier.info());
            assertThat(curves.history()).isNull();
            // named by its file name only: the report shows no folder of the machine that made it
            assertThat(curves.absence()).contains("metrics.json is not this model's", "training run previous-run", "training run previous-run",
                    "the model training run " + classifier.info().training().get("run_id")).doesNotContain(dir.toString());
            String html = ReportPage.render(new ReportPage.Content("id", "m", "bb", "r", Map.of(),
                    Metrics.of(List.of("x", "y"), new int[] {0, 1}, new float[][] {{0.9f, 0.1f}, {0.1f, 0.9f}}).report(),
                    List.of(), 0, "now", curves));
            assertThat(html).contains("Not shown: metrics.json is not this model&#39;s").doesNotContain("Loss per epoch");
            assertThat(TrainingCurves.read(dir.resolve("absent.json"), classifier.info()).absence()).contains("was not found");
        }
    }

    @Test
    void labelsAndPathsAreEscaped() {
        Metrics metrics = Metrics.of(List.of("<b>x</b>", "y"), new int[] {0, 1}, new float[][] {{0.2f, 0.8f}, {0.1f, 0.9f}});
        String html = ReportPage.render(new ReportPage.Content("id", "m\"odel", "bb", "r", Map.of(), metrics.report(),
                List.of(new ReportPage.Figure("a<script>.jpg", "<b>x</b>", "y", 0.8f, null, true)), 0, "now", null));
        assertThat(html).doesNotContain("<b>x</b>", "<script>", "m\"odel").contains("&lt;b&gt;x&lt;/b&gt;", "a&lt;script&gt;.jpg");
    }

    /** The report is served to anyone by GET /report: it names images relative to the dataset root, the model by its file. */
    @Test
    void noAbsolutePathOfTheEvaluatingMachineIsInTheReport() throws Exception {
        Path root = TestModels.CALTECH.toAbsolutePath().normalize();
        List<LabeledImage> images = List.of(new LabeledImage("airplanes/image_0010.jpg", "car_side", Subset.VAL),
                new LabeledImage("car_side/image_0001.jpg", "car_side", Subset.VAL));
        Path model = Path.of("model/classifier.onnx").toAbsolutePath();
        Path metrics = Files.copy(Path.of("results/metrics.json"), dir.resolve("metrics.json"));
        Path report = dir.resolve("report.html");
        try (ImageClassifier classifier = ImageClassifier.load(model)) {
            Evaluation.Result result = Evaluation.of(classifier, new SplitManifest(root, 42, 1.0, images, "test"), Progress.NONE);
            VisualReport.write(classifier, model.toString(), result, metrics, report);
        }
        String html = Files.readString(report);
        assertThat(html).contains("airplanes/image_0010.jpg", "classifier.onnx")
                .doesNotContain(root.toString(), dir.toString(), model.toString(), System.getProperty("user.dir"));
        assertThat(html).doesNotContainPattern("[\"> ]/(home|root|tmp|work|Users|var)/");
    }

    /** A pair whose mistakes are not among the most confident still shows an example (it used to show none). */
    @Test
    void aConfusedPairOutsideTheMostConfidentMistakesStillShowsItsExample() {
        Metrics metrics = Metrics.of(List.of("x", "y", "z"), new int[] {0, 0, 2}, new float[][] {{0.1f, 0.9f, 0}, {0.2f, 0.8f, 0},
                {0.3f, 0, 0.7f}});
        assertThat(ReportPage.confusedPairs(metrics.report())).containsExactly(new ReportPage.Pair(0, 1, 2));
        String html = ReportPage.render(new ReportPage.Content("id", "m", "bb", "r", Map.of(), metrics.report(),
                List.of(new ReportPage.Figure("x/1.jpg", "x", "y", 0.9f, "data:image/jpeg;base64,AAAA", false)), 0, "now", null));
        assertThat(html).containsPattern("<td>x</td><td class=\"wrong\">y</td><td>2</td><td>100\\.0 %</td><td><img src=\"data:image/jpeg;base64,AAAA\"");
        assertThat(html.split("data:image/jpeg;base64,AAAA", -1)).hasSize(2); // in the pair's row, not in the grid
    }

    /** The chosen-epoch label stays inside the chart, the legend above the plot, the accuracy axis fits its values. */
    @Test
    void theCurvesKeepTheirLabelsInsideAndScaleTheAccuracyAxisToTheData() {
        List<TrainingCurves.Epoch> epochs = new ArrayList<>();
        for (int e = 1; e <= 30; e++) {
            epochs.add(new TrainingCurves.Epoch(e, 1.0 / e, 0.5 + 0.3 / e, 0.90 + 0.002 * Math.min(e, 25)));
        }
        String svg = TrainingCurves.svg(new TrainingCurves.History(epochs, 29, "epoch"));

        // near the right edge the label ends at the marker instead of starting there and running off the chart
        assertThat(svg).containsPattern("<text x=\"[0-9.]+\" y=\"[0-9]+\" text-anchor=\"end\" class=\"chosen\">chosen: epoch 29</text>");
        // every legend entry sits in the title row (y = 14), above the plot area that starts at y = 28
        assertThat(svg).containsPattern("class=\"legend\" style=\"fill:#2e8b57\">hold-out accuracy</text>")
                .doesNotContainPattern("y=\"(?!14\")[0-9]+\" text-anchor=\"end\" class=\"legend\"");
        // accuracy 0.902–0.95: an axis from 0.89 to 0.96, not 0 to 1
        assertThat(svg).containsPattern(">0\\.9[5-7]</text>").contains(">0.89</text>");
        String accuracyChart = svg.substring(svg.indexOf("Hold-out accuracy per epoch"));
        assertThat(accuracyChart).doesNotContain(">1.00</text>", ">0.00</text>");
    }
}

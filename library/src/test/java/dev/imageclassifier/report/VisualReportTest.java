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
            assertThat(curves.absence()).contains(stale.toString(), "is not this model's", "training run previous-run",
                    "the model training run " + classifier.info().training().get("run_id"));
            String html = ReportPage.render(new ReportPage.Content("id", "m", "bb", "r", Map.of(),
                    Metrics.of(List.of("x", "y"), new int[] {0, 1}, new float[][] {{0.9f, 0.1f}, {0.1f, 0.9f}}).report(),
                    List.of(), 0, "now", curves));
            assertThat(html).contains("Not shown: " + stale + " is not this model&#39;s").doesNotContain("Loss per epoch");
            assertThat(TrainingCurves.read(dir.resolve("absent.json"), classifier.info()).absence()).contains("was not found");
        }
    }

    @Test
    void labelsAndPathsAreEscaped() {
        Metrics metrics = Metrics.of(List.of("<b>x</b>", "y"), new int[] {0, 1}, new float[][] {{0.2f, 0.8f}, {0.1f, 0.9f}});
        String html = ReportPage.render(new ReportPage.Content("id", "m\"odel", "bb", "r", Map.of(), metrics.report(),
                List.of(new ReportPage.Figure("a<script>.jpg", "<b>x</b>", "y", 0.8f, null)), 0, "now", null));
        assertThat(html).doesNotContain("<b>x</b>", "<script>", "m\"odel").contains("&lt;b&gt;x&lt;/b&gt;", "a&lt;script&gt;.jpg");
    }
}

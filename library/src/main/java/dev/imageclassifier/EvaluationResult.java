package dev.imageclassifier;

import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.report.VisualReport;
import dev.imageclassifier.train.Evaluation;
import dev.imageclassifier.train.EvaluationReport;
import dev.imageclassifier.train.Metrics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How a classifier did on the validation images of a split ({@link ImageClassifier#evaluate}): the
 * headline figures, and the two files that show them — {@code metrics.json} (per-class precision, recall,
 * F1 and the confusion matrix) and a self-contained visual report.
 *
 * <pre>{@code
 * EvaluationResult result = classifier.evaluate(DatasetSplit.read(Path.of("data/split.csv")), Progress.NONE);
 * System.out.printf("top-1 %.2f%%%n", 100 * result.accuracy());
 * result.writeReport(Path.of("results/evaluation/report.html"), null);
 * }</pre>
 */
public final class EvaluationResult {

    private final ImageClassifier classifier;
    private final DatasetSplit split;
    private final Evaluation.Result result;
    private final long started;

    private EvaluationResult(ImageClassifier classifier, DatasetSplit split, Evaluation.Result result, long started) {
        this.classifier = classifier;
        this.split = split;
        this.result = result;
        this.started = started;
    }

    static EvaluationResult of(ImageClassifier classifier, DatasetSplit split, Progress progress) {
        long started = System.nanoTime();
        return new EvaluationResult(classifier, split, Evaluation.of(classifier, split.manifest(), progress), started);
    }

    /** @return top-1 accuracy over the images that could be classified, 0 to 1 */
    public double accuracy() {
        return result.metrics().accuracy();
    }

    /** @return top-5 accuracy */
    public double top5Accuracy() {
        return result.metrics().top5Accuracy();
    }

    /** @return support-weighted F1 */
    public double f1Weighted() {
        return result.metrics().f1Weighted();
    }

    /** @return validation images classified */
    public int images() {
        return result.metrics().report().valImages();
    }

    /** @return images classified per second, decoding included */
    public double imagesPerSecond() {
        return result.imagesPerSecond();
    }

    /** @return validation images that could not be read or decoded, with the reason */
    public List<DatasetSplit.SkippedFile> skipped() {
        return result.skipped().stream().map(s -> new DatasetSplit.SkippedFile(s.path().toString(), s.reason())).toList();
    }

    /**
     * Writes {@code metrics.json}: the figures per class, the confusion matrix, the model and the split, atomically.
     *
     * @param file   where it goes
     * @param method how the figures were made, recorded as {@code source} (e.g. "evaluate")
     * @throws IOException when it cannot be written
     */
    public void writeMetrics(Path file, String method) throws IOException {
        Metrics metrics = result.metrics();
        ModelInfo info = classifier.info();
        EvaluationReport report = new EvaluationReport(metrics.report(), method, classifier.file().toString(),
                new EvaluationReport.Backbone(info.backbone().name(), info.backbone().sha256()),
                new EvaluationReport.Split(split.source(), split.fingerprint(), metrics.report().valImages(), result.skipped().size()),
                new EvaluationReport.Timings(result.imagesPerSecond(), (System.nanoTime() - started) / 1e9));
        AtomicFiles.write(file, Json.pretty(report));
    }

    /**
     * Writes the visual report: one self-contained HTML page (no network requests) with the figures, the
     * classes worst first, the most confused pairs, the confusion matrix and the mistakes with heatmaps.
     *
     * @param file            where it goes, e.g. {@code results/evaluation/report.html}
     * @param trainingMetrics the {@code metrics.json} of the model's training, whose curves are shown when it is
     *                        this model's; null for none
     * @throws IOException when it cannot be written
     */
    public void writeReport(Path file, Path trainingMetrics) throws IOException {
        VisualReport.write(classifier, classifier.file().toString(), result, trainingMetrics, file);
    }

    /**
     * Writes the report with a section on the dataset: what an audit of it found.
     *
     * @param file            e.g. {@code results/evaluation/report.html}
     * @param trainingMetrics the {@code metrics.json} of the model's training, or null
     * @param audit           an {@code audit.json} written by {@link DatasetAudit#write}; its paths are read as the
     *                        evaluated split's
     * @throws IOException when the audit cannot be read or the report cannot be written
     */
    public void writeReport(Path file, Path trainingMetrics, Path audit) throws IOException {
        VisualReport.write(classifier, classifier.file().toString(), result, trainingMetrics,
                dev.imageclassifier.report.AuditFiles.read(audit, split.root()), file);
    }
}

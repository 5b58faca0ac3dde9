package dev.imageclassifier.report;

import dev.imageclassifier.Explanation;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.InferenceException;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.ModelInfo;
import dev.imageclassifier.train.Evaluation;
import dev.imageclassifier.InvalidImageException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Writes {@code report.html} for an evaluation: gathers what {@link ReportPage} shows and draws the heatmaps. */
public final class VisualReport {

    /** Misclassified images drawn: enough to see patterns, few enough to keep the file small (about 10 KB each as JPEG). */
    public static final int MAX_FIGURES = 40;
    private static final int THUMBNAIL = 240;

    private VisualReport() {
    }

    /**
     * @param model           the classifier file's path, as the user named it
     * @param trainingMetrics the metrics.json of the model's training (its curves are shown when it is this model's), or null
     */
    public static void write(ImageClassifier classifier, String model, Evaluation.Result result, Path trainingMetrics, Path file)
            throws IOException {
        write(classifier, model, result, trainingMetrics, null, file);
    }

    /** @param audit the audit of the dataset, shown as a section of its own (null for none) */
    public static void write(ImageClassifier classifier, String model, Evaluation.Result result, Path trainingMetrics,
                             dev.imageclassifier.AuditResult audit, Path file) throws IOException {
        ModelInfo metadata = classifier.info();
        List<Evaluation.Mistake> mistakes = result.mistakes();
        List<ReportPage.Figure> figures = new ArrayList<>();
        for (Evaluation.Mistake mistake : mistakes.subList(0, Math.min(MAX_FIGURES, mistakes.size()))) {
            figures.add(figure(classifier, mistake, true));
        }
        // Each confused pair the page lists gets its example even when its mistakes are not among the most confident
        // (the pair's most confident one, most confident first, so that is the one the grid would have shown).
        for (ReportPage.Pair pair : ReportPage.confusedPairs(result.metrics().report())) {
            String truth = result.metrics().report().classNames().get(pair.truth());
            String predicted = result.metrics().report().classNames().get(pair.predicted());
            boolean drawn = figures.stream().anyMatch(f -> f.truth().equals(truth) && f.predicted().equals(predicted) && f.image() != null);
            if (!drawn) {
                mistakes.stream().filter(m -> m.truth().equals(truth) && m.predicted().equals(predicted)).findFirst()
                        .ifPresent(m -> figures.add(figure(classifier, m, false)));
            }
        }
        Object recipe = metadata.training().get("recipe");
        String recipeName = recipe instanceof Map<?, ?> map && map.get("name") != null ? map.get("name").toString()
                : recipe == null ? "not recorded" : recipe.toString();
        ReportPage.Content content = new ReportPage.Content(metadata.identity(), TrainingCurves.shown(Path.of(model)),
                metadata.backbone().name(), recipeName, metadata.metrics(),
                result.metrics().report(), figures, result.skipped().size(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                TrainingCurves.read(trainingMetrics, metadata));
        String page = ReportPage.render(content);
        if (audit != null) {
            page = page.replace("</main>", AuditSection.embedded(audit) + "</main>");
        }
        AtomicFiles.write(file, page.getBytes(StandardCharsets.UTF_8));
    }

    /** A mistake as the page shows it: named as the split names it (relative to the dataset root), never by a path of this machine. */
    private static ReportPage.Figure figure(ImageClassifier classifier, Evaluation.Mistake mistake, boolean inGrid) {
        return new ReportPage.Figure(mistake.path(), mistake.truth(), mistake.predicted(), mistake.confidence(),
                heatmap(classifier, mistake), inGrid);
    }

    /** PNG to JPEG: a photo with a heatmap is a tenth of the size in JPEG, and the report holds dozens. */
    private static byte[] jpeg(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    /** The image with the wrong class's map over it, as a data: URI; null when it cannot be read again. */
    private static String heatmap(ImageClassifier classifier, Evaluation.Mistake mistake) {
        try {
            byte[] bytes = Files.readAllBytes(mistake.file());
            Explanation explanation = classifier.explain(bytes, mistake.predicted());
            return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg(classifier.heatmapPng(bytes, explanation, THUMBNAIL)));
        } catch (IOException | InvalidImageException | InferenceException e) {
            return null; // the report still lists the image
        }
    }
}

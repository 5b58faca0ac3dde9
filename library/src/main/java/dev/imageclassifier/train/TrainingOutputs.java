package dev.imageclassifier.train;

import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.model.ClassifierGraph;
import dev.imageclassifier.model.ModelMetadata;
import dev.imageclassifier.vision.Preprocessing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The end of every training run, on one machine ({@link TrainingRun}) or on Spark: the head's metrics on
 * the validation features, then the one-file classifier and {@code metrics.json}, each complete on disk before
 * either replaces its previous version, with the same run id in each (see {@link #inPublicationOrder}).
 */
public final class TrainingOutputs {

    /** The features the head learns from: per training image its views, per validation image its centre crop. */
    public record Samples(float[][][] train, int[] trainLabels, float[][] val, int[] valLabels) {
    }

    /**
     * How the features were made, as {@code metrics.json} reports it.
     *
     * @param computed views that went through the backbone
     * @param cached   views read from the feature cache
     * @param skipped  images that could not be read or decoded
     */
    public record Extraction(int featureDim, Preprocessing preprocessing, double seconds, double imagesPerSecond,
                             int computed, int cached, int skipped) {
    }

    private TrainingOutputs() {
    }

    /** The head's metrics on the validation features. */
    public static Metrics validate(LinearHead head, Samples samples, List<String> labels) {
        float[][] probabilities = new float[samples.val().length][];
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] = head.probabilities(samples.val()[i]);
        }
        return Metrics.of(labels, samples.valLabels(), probabilities);
    }

    /**
     * Writes the classifier ({@code options.model()}) and {@code metrics.json}: a failure before the renames
     * leaves both as they were; a kill between them leaves the new model beside the old {@code metrics.json},
     * whose run id says it is not the model's.
     *
     * @param split       the split the images come from, labels in output order
     * @param seed        the seed the run used
     * @param trainImages training images the head learnt from (skipped ones not counted)
     * @param valImages   validation images the metrics count
     */
    public static void write(TrainingOptions options, BackboneGraph backbone, SplitManifest split, long seed, int trainImages,
                             int valImages, Extraction extraction, TrainingReport.Framing framing, HeadTrainer.Result head,
                             Metrics metrics, double totalSeconds)
            throws IOException {
        String runId = UUID.randomUUID().toString();
        String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        int featureDim = extraction.featureDim();
        TrainingReport.Facts facts = new TrainingReport.Facts(options.recipe(), head.weightDecay(), seed, split.fingerprint(),
                split.filesFingerprint(), trainImages, valImages, head.bestEpoch(), runId);
        ModelMetadata metadata = new ModelMetadata(split.labels(), extraction.preprocessing(), backbone.name(), backbone.sha256(),
                featureDim, Json.toMap(facts), Json.toMap(metrics.headline()), created, options.projectVersion(),
                options.backboneUrl());
        TrainingReport report = new TrainingReport(metrics.report(),
                new TrainingReport.Backbone(backbone.name(), backbone.sha256(), featureDim, backbone.featureSource()),
                options.recipe(), framing, TrainingReport.Regularization.of(head), seed,
                new TrainingReport.Split(options.splitSource(), split.fingerprint(), trainImages, valImages,
                        extraction.skipped()),
                new TrainingReport.Timings(extraction.seconds(), extraction.imagesPerSecond(), extraction.computed(),
                        extraction.cached(), head.seconds(), totalSeconds),
                head.history().stream().map(TrainingReport.Epoch::of).toList(), head.bestEpoch(), options.model().toString(),
                runId, created, options.projectVersion());
        AtomicFiles.writeTogether(inPublicationOrder(options.model(),
                ClassifierGraph.build(backbone, head.head().weights(), head.head().bias(), metadata)::writeTo,
                options.metricsFile(), out -> out.write(Json.pretty(report))));
    }

    /**
     * The model first, then {@code metrics.json}: both are complete on disk before either is renamed, and the
     * model's rename is the moment the run counts as done. A process killed between the two renames leaves
     * the new model beside the previous {@code metrics.json}, never a {@code metrics.json} describing a model
     * that was not published; readers tell the two apart by the run id each records.
     */
    static Map<Path, AtomicFiles.Writer> inPublicationOrder(Path model, AtomicFiles.Writer modelWriter, Path metrics,
                                                            AtomicFiles.Writer metricsWriter) {
        Map<Path, AtomicFiles.Writer> outputs = new LinkedHashMap<>();
        outputs.put(model, modelWriter);
        outputs.put(metrics, metricsWriter);
        return outputs;
    }
}

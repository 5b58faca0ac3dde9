package dev.imageclassifier.serve;

import dev.imageclassifier.Explanation;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.OverloadedException;
import dev.imageclassifier.Prediction;
import dev.imageclassifier.serve.Uploads.Upload;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The prediction routes ({@code /predict}, {@code /predict/batch}, {@code /predict/heatmap.png}), for the default model
 * or the one named in the path ({@code /models/{name}[/versions/{version}]/…}). Each request holds a lease on one model
 * version from start to end, and its answer names that version (JSON fields and {@link ModelLease#VERSION_HEADER}).
 */
final class PredictRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class); // the server's log

    private final ServeSettings settings;
    private final ModelRegistry registry;
    private final Uploads uploads;
    private final ShutdownDrain drain;

    PredictRoutes(ServeSettings settings, ModelRegistry registry, Uploads uploads, ShutdownDrain drain) {
        this.settings = settings;
        this.registry = registry;
        this.uploads = uploads;
        this.drain = drain;
    }

    /** The lease the path names (no name: the default model), its name and version set as response headers. */
    static ModelLease lease(ModelRegistry registry, Context ctx) {
        Map<String, String> path = ctx.pathParamMap();
        ctx.attribute(ReportFile.OWN_404, true); // an unknown model's 404 keeps its detail
        ModelLease lease = path.containsKey("name") ? registry.acquire(path.get("name"), path.get("version")) : registry.acquireDefault();
        ctx.attribute(ReportFile.OWN_404, null);
        ctx.header(ModelLease.NAME_HEADER, lease.name());
        ctx.header(ModelLease.VERSION_HEADER, lease.version());
        return lease;
    }

    void predict(Context ctx) throws Exception {
        long start = System.nanoTime();
        try (ModelLease lease = lease(registry, ctx)) {
            ImageClassifier classifier = lease.classifier();
            int topK = topK(ctx, classifier);
            ExplainRequest explain = ExplainRequest.of(ctx, classifier.labels(), false);
            Upload upload = uploads.read(ctx, "file", 1).get(0);
            long deadline = start + settings.requestTimeout().toNanos();
            if (explain.wanted()) {
                Explanation explanation = explain(classifier, upload, explain, deadline);
                ctx.json(PredictionJson.of(explanation.prediction(), topK, start).with(ExplanationJson.of(explanation)).by(lease));
                return;
            }
            Prediction prediction = drain.await(classifier.trySubmit(upload.bytes(), deadline), deadline);
            Tracing.recordPrediction(prediction);
            ctx.json(PredictionJson.of(prediction, topK, start).by(lease));
        }
    }

    /** The uploaded image with the map of the top class (or {@code explain_class}) blended over it, as PNG. */
    void heatmap(Context ctx) throws Exception {
        long start = System.nanoTime();
        try (ModelLease lease = lease(registry, ctx)) {
            ImageClassifier classifier = lease.classifier();
            ExplainRequest explain = ExplainRequest.of(ctx, classifier.labels(), true);
            Upload upload = uploads.read(ctx, "file", 1).get(0);
            Explanation explanation = explain(classifier, upload, explain, start + settings.requestTimeout().toNanos());
            ctx.header("X-Explained-Class", ExplainRequest.headerSafe(explanation.label()));
            ctx.contentType("image/png").result(classifier.heatmapPng(upload.bytes(), explanation));
        }
    }

    private Explanation explain(ImageClassifier classifier, Upload upload, ExplainRequest explain, long deadline) throws Exception {
        try {
            return drain.await(classifier.trySubmitExplained(upload.bytes(), explain.label(), deadline), deadline);
        } catch (InvalidModelException e) {
            LOG.warn("Cannot explain with this model", e);
            throw new HttpResponseException(501, "Not Implemented: this model cannot explain its predictions; the server's log has the reason");
        }
    }

    void predictBatch(Context ctx) throws Exception {
        long start = System.nanoTime();
        try (ModelLease lease = lease(registry, ctx)) {
            ImageClassifier classifier = lease.classifier();
            int topK = topK(ctx, classifier);
            List<Upload> files = uploads.read(ctx, "files", settings.maxBatchFiles());
            long deadline = start + settings.requestTimeout().toNanos();
            List<CompletableFuture<Prediction>> pending = new ArrayList<>(files.size());
            for (Upload file : files) {
                try {
                    pending.add(classifier.trySubmit(file.bytes(), deadline));
                } catch (OverloadedException e) {
                    pending.add(CompletableFuture.failedFuture(e));
                }
            }
            List<BatchItemJson> results = new ArrayList<>(files.size());
            for (int i = 0; i < files.size(); i++) {
                String name = files.get(i).filename();
                try {
                    Prediction prediction = drain.await(pending.get(i), deadline);
                    Tracing.recordPrediction(prediction);
                    results.add(BatchItemJson.success(name, PredictionJson.of(prediction, topK, start).by(lease)));
                } catch (Exception e) {
                    if (drain.isCutOff()) {
                        throw e; // the whole request is answered 503: the server is going away
                    }
                    Problem problem = Problem.of(e);
                    if (problem.isServerBug()) {
                        LOG.error("Batch item {} failed", name, e);
                    }
                    results.add(BatchItemJson.failure(name, problem));
                }
            }
            ctx.json(Map.of("results", results, "model", lease.name(), "model_version", lease.version()));
        }
    }

    /** {@code ?top_k=N}: 0 when absent; digits only, as sent (no sign, no spaces); more than the classes means all of them. */
    private static int topK(Context ctx, ImageClassifier classifier) {
        String value = ctx.queryParam("top_k");
        if (value == null) {
            return 0;
        }
        if (value.matches("[0-9]{1,100}")) {
            BigInteger k = new BigInteger(value);
            if (k.signum() > 0) {
                return k.min(BigInteger.valueOf(classifier.labels().size())).intValue();
            }
        }
        throw new BadRequestResponse("top_k must be a positive whole number written in digits only (no sign or spaces), got '"
                + value + "'");
    }
}

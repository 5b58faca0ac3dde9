package dev.imageclassifier.serve;

import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.Prediction;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The Open Inference Protocol (KServe v2) over REST, as KServe's {@code rest_predict_v2.yaml} describes it, beside our
 * own routes and answering from the same models: server and model metadata, liveness and readiness, and
 * {@code infer}. Errors are {@code {"error": "..."}} (see {@link ErrorAnswers}). The request and answer formats are
 * {@link V2InferRequest}'s and {@link V2InferResponse}'s; the extensions spoken are Triton's binary tensor data and
 * classification.
 */
final class V2Routes {

    /** The model's one output. */
    static final String PROBABILITIES = "probabilities";
    /** The model's one input (any name is accepted for it). */
    static final String IMAGE = "image";
    static final List<String> EXTENSIONS = List.of("binary_tensor_data", "classification");

    private final ServeSettings settings;
    private final ModelRegistry registry;
    private final ShutdownDrain drain;

    V2Routes(ServeSettings settings, ModelRegistry registry, ShutdownDrain drain) {
        this.settings = settings;
        this.registry = registry;
        this.drain = drain;
    }

    /** Registers the routes (GET ones for HEAD too). */
    void register(RoutesConfig routes) {
        getAndHead(routes, "/v2", this::server);
        getAndHead(routes, "/v2/health/live", ctx -> ctx.json(Map.of("live", true)));
        getAndHead(routes, "/v2/health/ready", this::serverReady);
        for (String model : List.of("/v2/models/{name}", "/v2/models/{name}/versions/{version}")) {
            getAndHead(routes, model, this::model);
            getAndHead(routes, model + "/ready", this::modelReady);
            routes.post(model + "/infer", this::infer);
        }
    }

    private void server(Context ctx) {
        ctx.json(Map.of("name", "image-classifier", "version", serverVersion(), "extensions", EXTENSIONS));
    }

    private void serverReady(Context ctx) {
        boolean ready = registry.isReady();
        ctx.status(ready ? 200 : 503).json(Map.of("ready", ready));
    }

    private void model(Context ctx) {
        try (ModelLease lease = PredictRoutes.lease(registry, ctx)) {
            List<String> versions = registry.status(lease.name()).versions().stream().map(ModelStatusJson.VersionJson::version)
                    .filter(Objects::nonNull).toList();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", lease.name());
            body.put("versions", versions.isEmpty() ? List.of(lease.version()) : versions);
            body.put("platform", "onnxruntime_onnx");
            body.put("inputs", List.of(Map.of("name", IMAGE, "datatype", "BYTES", "shape", List.of(-1))));
            body.put("outputs", List.of(Map.of("name", PROBABILITIES, "datatype", "FP32",
                    "shape", List.of(-1, lease.classifier().labels().size()))));
            body.put("parameters", Map.of("labels", lease.classifier().labels()));
            ctx.json(body);
        }
    }

    private void modelReady(Context ctx) {
        try (ModelLease lease = PredictRoutes.lease(registry, ctx)) {
            ctx.json(Map.of("name", lease.name(), "ready", true));
        }
    }

    private void infer(Context ctx) throws Exception {
        long start = System.nanoTime();
        try (ModelLease lease = PredictRoutes.lease(registry, ctx)) {
            ImageClassifier classifier = lease.classifier();
            V2InferRequest request = V2InferRequest.read(ctx, settings.maxBatchFiles());
            long deadline = start + settings.requestTimeout().toNanos();
            List<CompletableFuture<Prediction>> pending = new ArrayList<>(request.images().size());
            for (byte[] image : request.images()) {
                pending.add(classifier.trySubmit(image, deadline));
            }
            List<Prediction> predictions = new ArrayList<>(pending.size());
            for (CompletableFuture<Prediction> future : pending) {
                Prediction prediction = drain.await(future, deadline);
                Tracing.recordPrediction(prediction);
                predictions.add(prediction);
            }
            V2InferResponse.Body body = V2InferResponse.of(request, predictions, classifier.labels(), lease.name(), lease.version());
            if (body.binary()) {
                ctx.header(V2InferRequest.HEADER_LENGTH, Integer.toString(body.jsonLength()));
                ctx.contentType("application/octet-stream");
            } else {
                ctx.contentType("application/json");
            }
            ctx.result(body.bytes());
        }
    }

    private static String serverVersion() {
        String version = V2Routes.class.getPackage().getImplementationVersion();
        return version != null ? version : "1.0.0";
    }

    private static void getAndHead(RoutesConfig routes, String path, Handler handler) {
        routes.get(path, handler);
        routes.head(path, handler);
    }
}

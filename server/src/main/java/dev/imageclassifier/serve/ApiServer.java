package dev.imageclassifier.serve;

import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.io.Json;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP API, compatible with the reference FastAPI/PyTorch service: every route and error mapper is registered in
 * the one {@code Javalin.create} block below. Handlers throw; {@link Problem} decides the status and the
 * {@code {"detail": ...}} body.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final int DAY = 86_400;
    private static final String MODEL_PREFIX = "/models/{name}";

    private final ServeSettings settings;
    private final ServeMetrics metrics;
    private final ModelRegistry registry;
    private final Uploads uploads;
    private final ClasspathFiles files = new ClasspathFiles();
    private final GracefulHandler graceful = new GracefulHandler();
    private final UploadReceiver receiver;
    private final ShutdownDrain drain;
    private final Javalin app;
    private final Tracing tracing;

    private ApiServer(ServeSettings settings, ServeMetrics metrics, ModelRegistry registry, Tracing tracing) {
        this.settings = settings;
        this.tracing = tracing;
        this.metrics = metrics;
        this.registry = registry;
        this.uploads = new Uploads(settings.maxBodyBytes());
        this.receiver = new UploadReceiver(settings.maxBodyBytes(), settings.receiving(), metrics::refusedUpload);
        this.drain = new ShutdownDrain(graceful, receiver);
        metrics.gauge("http.server.uploads.receiving.bytes", "Memory held by request bodies on their way", receiver::memoryInUse);
        metrics.gauge("http.server.requests.active", "HTTP requests being handled now", graceful::getCurrentRequestCount);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = settings.maxBodyBytes();
            // Multipart parts stay in memory: the in-memory threshold is above the largest part allowed, so
            // nothing is ever spilled to the (never created) cache directory.
            config.jetty.multipartConfig.cacheDirectory(Uploads.NEVER_WRITTEN_DIRECTORY);
            config.jetty.multipartConfig.maxFileSize(settings.maxBodyBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(settings.maxBodyBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize((int) settings.maxBodyBytes() + 1, SizeUnit.BYTES);
            // SIGTERM: stop accepting, let requests in flight finish, answer 503 to new ones on open connections,
            // and to those still in flight when the grace is over (ShutdownDrain).
            // Bodies are received before the routes run, without a thread each (Javalin attaches its servlet
            // handler inside the innermost wrapper: graceful → receiver → routes).
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(settings.shutdownTimeout().toMillis());
                graceful.setHandler(new AccessControl(settings.access(), receiver, metrics::refusedAccess)); // tokens first: a refused body is never received
                receiver.setHandler(new RequestTracing(tracing)); // trace context around the routes, on their thread
                ConnectionGuard guard = new ConnectionGuard(settings.connections(), server, metrics);
                server.addBean(guard);
                server.setHandler(guard.wrap(new SecurityHeaders(graceful)));
                server.setErrorHandler(new JsonErrorHandler());
                drain.attach(server);
            });
            config.requestLogger.http(metrics::record);

            HealthRoutes health = new HealthRoutes(registry);
            getAndHead(config, "/health", health::health);
            getAndHead(config, "/livez", health::livez);
            getAndHead(config, "/readyz", health::readyz);
            PredictRoutes predict = new PredictRoutes(settings, registry, uploads, drain);
            ModelRoutes models = new ModelRoutes(registry);
            // The default model's routes, and the same under /models/{name} and /models/{name}/versions/{version}.
            for (String prefix : List.of("", MODEL_PREFIX, MODEL_PREFIX + "/versions/{version}")) {
                config.routes.post(prefix + "/predict", predict::predict);
                config.routes.post(prefix + "/predict/batch", predict::predictBatch);
                config.routes.post(prefix + "/predict/heatmap.png", predict::heatmap);
                getAndHead(config, prefix + "/model", models::info);
                getAndHead(config, prefix + "/report", models::report);
            }
            getAndHead(config, "/models", models::list);
            getAndHead(config, MODEL_PREFIX, models::status);
            config.routes.post("/admin" + MODEL_PREFIX + "/reload", models::reload);
            new V2Routes(settings, registry, drain).register(config.routes); // the Open Inference Protocol (KServe v2)
            getAndHead(config, "/metrics", ctx -> ctx.contentType(ServeMetrics.CONTENT_TYPE).result(metrics.scrape()));
            getAndHead(config, "/openapi.json", ctx -> ctx.contentType("application/json").result(ApiDocs.OPENAPI));
            getAndHead(config, "/docs", ctx -> ctx.html(ApiDocs.SWAGGER_UI_PAGE));
            for (String file : List.of("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png", ApiDocs.INITIALIZER)) {
                getAndHead(config, "/docs/" + file, ctx -> files.serve(ctx, ApiDocs.swaggerUiFile(file), ApiDocs.contentType(file), DAY));
            }
            // The web page: plain files calling the same public endpoints as any client.
            getAndHead(config, "/", ctx -> files.serve(ctx, "/web/index.html", "text/html; charset=utf-8", 0));
            getAndHead(config, "/app.js", ctx -> files.serve(ctx, "/web/app.js", "text/javascript", 0));
            getAndHead(config, "/style.css", ctx -> files.serve(ctx, "/web/style.css", "text/css", 0));

            config.routes.exception(HttpResponseException.class, (e, ctx) -> ErrorAnswers.fail(ctx, e));
            config.routes.exception(Exception.class, (e, ctx) -> ErrorAnswers.fail(ctx, e));
            config.routes.error(404, ctx -> {
                if (ctx.attribute(ReportFile.OWN_404) == null) { // GET /report's own 404 keeps its detail
                    ErrorAnswers.send(ctx, new Problem(404, "Not Found"));
                }
            });
            config.routes.error(405, ctx -> ErrorAnswers.send(ctx, new Problem(405, "Method Not Allowed")));
        });
    }

    /**
     * Loads the model (a missing one is reported on /health, not fatal) and starts listening; returns when
     * both are done. The two run side by side: ONNX Runtime's session set-up overlaps Jetty's start.
     */
    public static ApiServer start(ServeSettings settings) {
        return start(settings, Tracing.fromEnvironment());
    }

    /** {@link #start(ServeSettings)} with the given tracing (tests point it at their own OTLP receiver). */
    static ApiServer start(ServeSettings settings, Tracing tracing) {
        ServeMetrics metrics = new ServeMetrics();
        metrics.bindJvmMeters(); // its meter filters come before any meter
        ModelRegistry registry = new ModelRegistry(settings.models(), new ModelLoader(settings.classifier(), metrics.registry()),
                metrics.registry());
        CompletableFuture<Void> loading = CompletableFuture.runAsync(registry::loadAll, task -> {
            Thread loader = new Thread(task, "model-loader");
            loader.setDaemon(true);
            loader.start();
        });
        ApiServer server = new ApiServer(settings, metrics, registry, tracing);
        try {
            server.app.start();
        } catch (RuntimeException e) {
            loading.join();
            registry.close();
            metrics.close();
            tracing.close();
            throw e;
        }
        loading.join();
        registry.startWatching(settings.models().pollInterval());
        LOG.info("Listening on http://{}:{} (docs at /docs)", settings.host(), server.port());
        long decodable = ImageClassifier.decodablePixels();
        if (decodable < settings.classifier().maxPixels()) {
            LOG.warn("The Java heap can decode images of up to {} megapixels: larger ones get 413 although the limit is {}; "
                    + "raise -Xmx (JAVA_OPTS) or lower --max-megapixels", decodable / 1_000_000,
                    settings.classifier().maxPixels() / 1_000_000);
        }
        return server;
    }

    /** The models served. */
    public ModelRegistry models() {
        return registry;
    }

    /** HTTP requests being handled right now. */
    long requestsInFlight() {
        return graceful.getCurrentRequestCount();
    }

    /** Jetty's server (tests shorten its idle timeout). */
    org.eclipse.jetty.server.Server jetty() {
        return drain.server();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return app.port();
    }

    /**
     * GET, and HEAD with the same status and headers (RFC 9110). Javalin answers HEAD itself otherwise: 200 and
     * text/plain, whatever GET would say.
     */
    private static void getAndHead(JavalinConfig config, String path, Handler handler) {
        config.routes.get(path, handler);
        config.routes.head(path, handler);
    }

    /** Graceful stop: see {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Stops: requests in flight get the shutdown timeout to finish, those still in flight then get 503 (see
     * {@link ShutdownDrain}); then the model finishes its queue and is freed. Tells whether the drain was clean:
     * false when some requests were cut off.
     */
    public boolean stop() {
        LOG.info("Shutting down: finishing requests in flight");
        registry.drain();
        long cutOff = drain.drain(settings.shutdownTimeout());
        try {
            app.stop();
        } catch (RuntimeException e) {
            LOG.warn("Jetty did not stop cleanly", e);
        }
        registry.close();
        metrics.close();
        tracing.close();
        if (cutOff > 0) {
            LOG.warn("Stopped with {} requests cut off by the {} s shutdown timeout", cutOff, settings.shutdownTimeout().toSeconds());
            return false;
        }
        LOG.info("Stopped");
        return true;
    }
}

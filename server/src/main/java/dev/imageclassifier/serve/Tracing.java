package dev.imageclassifier.serve;

import dev.imageclassifier.Prediction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.IdGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Spans for requests, exported by the OpenTelemetry SDK over OTLP when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set
 * (http/protobuf unless {@code OTEL_EXPORTER_OTLP_PROTOCOL} says otherwise; every other {@code OTEL_*} setting of the
 * SDK's autoconfiguration applies). Without it nothing is exported, but every request still gets a trace id (the
 * caller's from {@code traceparent}, or a new one) for its log lines and its answer's headers.
 *
 * <p>Each prediction adds three child spans, {@code decode}, {@code queue} and {@code inference}, placed back from the
 * moment its answer arrived with the durations the library measured for that image ({@link Prediction.Timing}): the
 * library stays free of OpenTelemetry, and no per-request hook has to cross its batching threads.
 */
final class Tracing implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);
    private static final ContextKey<Tracing> KEY = ContextKey.named("image-classifier-tracing");
    static final String ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private final OpenTelemetrySdk sdk; // null: no export
    private final Tracer tracer;
    private final IdGenerator ids = IdGenerator.random();

    private Tracing(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
        this.tracer = sdk == null ? null : sdk.getTracer("dev.imageclassifier.serve");
    }

    /** Exporting when {@value #ENDPOINT_VARIABLE} (or the system property {@code otel.exporter.otlp.endpoint}) is set. */
    static Tracing fromEnvironment() {
        String endpoint = System.getenv(ENDPOINT_VARIABLE);
        if ((endpoint == null || endpoint.isBlank()) && System.getProperty("otel.exporter.otlp.endpoint") == null) {
            return new Tracing(null);
        }
        return exporting(Map.of());
    }

    /** Exporting with the SDK's autoconfiguration, {@code overrides} on top of the environment (tests point it at a receiver). */
    static Tracing exporting(Map<String, String> overrides) {
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.service.name", "image-classifier");
        defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
        defaults.put("otel.traces.exporter", "otlp");
        defaults.put("otel.metrics.exporter", "none"); // metrics are Prometheus' (/metrics)
        defaults.put("otel.logs.exporter", "none");
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .addPropertiesCustomizer(config -> overrides)
                .disableShutdownHook() // closed with the server, after its last request
                .build().getOpenTelemetrySdk();
        LOG.info("Exporting traces over OTLP");
        return new Tracing(sdk);
    }

    /** No export, trace ids only. */
    static Tracing off() {
        return new Tracing(null);
    }

    /**
     * The server span of a request, a child of {@code parent}'s span when the caller sent a valid traceparent. Without
     * export it is a non-recording span that only carries its ids.
     */
    Span startServer(String name, Context parent, long startEpochNanos) {
        SpanContext caller = Span.fromContext(parent).getSpanContext();
        if (tracer != null) {
            return tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.SERVER)
                    .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS).startSpan();
        }
        String traceId = caller.isValid() ? caller.getTraceId() : ids.generateTraceId();
        TraceFlags flags = caller.isValid() ? caller.getTraceFlags() : TraceFlags.getDefault();
        TraceState state = caller.isValid() ? caller.getTraceState() : TraceState.getDefault();
        return Span.wrap(SpanContext.create(traceId, ids.generateSpanId(), flags, state));
    }

    /** The context the routes run in: the server span, and this tracing for {@link #recordPrediction}. */
    Context contextFor(Context parent, Span server) {
        return parent.with(server).with(KEY, this);
    }

    /** Adds decode, queue and inference spans for one prediction to the current request's span (see the class comment). */
    static void recordPrediction(Prediction prediction) {
        Context context = Context.current();
        Tracing tracing = context.get(KEY);
        if (tracing == null || tracing.tracer == null || !Span.fromContext(context).isRecording()) {
            return;
        }
        Prediction.Timing timing = prediction.timing();
        long end = epochNanos();
        long inferenceStart = end - timing.inferenceNanos();
        long queueStart = inferenceStart - timing.queueNanos();
        long decodeStart = queueStart - timing.preprocessNanos();
        tracing.child(context, "decode", decodeStart, queueStart, timing);
        tracing.child(context, "queue", queueStart, inferenceStart, timing);
        tracing.child(context, "inference", inferenceStart, end, timing);
    }

    private void child(Context parent, String name, long start, long end, Prediction.Timing timing) {
        tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.INTERNAL).setStartTimestamp(start, TimeUnit.NANOSECONDS)
                .setAttribute(AttributeKey.longKey("image_classifier.batch_size"), (long) timing.batchSize())
                .startSpan().end(end, TimeUnit.NANOSECONDS);
    }

    /** Now, as nanoseconds since the epoch (what span timestamps are). */
    static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Sends the spans still buffered and stops the exporter. */
    @Override
    public void close() {
        if (sdk != null) {
            sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
            sdk.close();
        }
    }
}

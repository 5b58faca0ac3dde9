package dev.imageclassifier.serve;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import dev.imageclassifier.TestImages;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trace context end to end: a real server exporting over OTLP http/protobuf to a small receiver started here, whose
 * {@code /v1/traces} bodies are decoded with the OpenTelemetry protocol's own classes.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";

    private static HttpServer receiver;
    private static final List<io.opentelemetry.proto.trace.v1.Span> SPANS = new CopyOnWriteArrayList<>();
    private static final List<String> CONTENT_TYPES = new CopyOnWriteArrayList<>();
    private static TestServer api;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                CONTENT_TYPES.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in.readAllBytes());
                for (ResourceSpans resource : request.getResourceSpansList()) {
                    for (ScopeSpans scope : resource.getScopeSpansList()) {
                        SPANS.addAll(scope.getSpansList());
                    }
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort();
        Tracing tracing = Tracing.exporting(Map.of("otel.exporter.otlp.endpoint", endpoint, "otel.bsp.schedule.delay", "50"));
        api = TestServer.wrap(ApiServer.start(ServeSettings.defaults(TestServer.model()).withAddress("127.0.0.1", 0), tracing));
    }

    @AfterAll
    static void stop() {
        api.close();
        receiver.stop(0);
    }

    @Test
    void a_prediction_joins_the_callers_trace_with_decode_queue_and_inference_spans() throws Exception {
        HttpResponse<String> response = api.send(new MultipartBody().file("file", "a.jpg", "image/jpeg", TestImages.caltech("watch"))
                .post(api.uri("/predict")).header("traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Trace-Id")).hasValue(TRACE_ID);
        String traceparent = response.headers().firstValue("traceparent").orElseThrow();
        assertThat(traceparent).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-01");
        String serverSpanId = traceparent.split("-")[2];

        List<io.opentelemetry.proto.trace.v1.Span> spans = awaitSpans(TRACE_ID, 4);
        Map<String, io.opentelemetry.proto.trace.v1.Span> byName = spans.stream()
                .collect(Collectors.toMap(io.opentelemetry.proto.trace.v1.Span::getName, s -> s, (a, b) -> a));
        assertThat(byName).containsKeys("POST /predict", "decode", "queue", "inference");
        io.opentelemetry.proto.trace.v1.Span server = byName.get("POST /predict");
        assertThat(hex(server.getParentSpanId().toByteArray())).isEqualTo(PARENT_SPAN_ID);
        assertThat(hex(server.getSpanId().toByteArray())).isEqualTo(serverSpanId);
        assertThat(server.getKind()).isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
        for (String child : List.of("decode", "queue", "inference")) {
            io.opentelemetry.proto.trace.v1.Span span = byName.get(child);
            assertThat(hex(span.getParentSpanId().toByteArray())).as(child).isEqualTo(serverSpanId);
            assertThat(span.getStartTimeUnixNano()).as(child).isGreaterThanOrEqualTo(server.getStartTimeUnixNano() - 1_000_000)
                    .isLessThanOrEqualTo(span.getEndTimeUnixNano());
        }
        assertThat(byName.get("decode").getEndTimeUnixNano()).isEqualTo(byName.get("queue").getStartTimeUnixNano());
        assertThat(CONTENT_TYPES).contains("application/x-protobuf"); // http/protobuf
    }

    @Test
    void a_v2_infer_is_traced_too() throws Exception {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        String body = "{\"inputs\": [{\"name\": \"image\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\""
                + java.util.Base64.getEncoder().encodeToString(TestImages.caltech("watch")) + "\"]}]}";
        HttpResponse<String> response = api.send(HttpRequest.newBuilder(api.uri("/v2/models/" + modelName() + "/infer"))
                .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(awaitSpans(traceId, 4).stream().map(io.opentelemetry.proto.trace.v1.Span::getName))
                .contains("decode", "queue", "inference");
    }

    @Test
    void a_missing_or_malformed_traceparent_starts_a_new_trace_and_the_log_lines_carry_its_id() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(RequestTracing.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent event) {
                event.prepareForDeferredProcessing(); // the MDC is read lazily: read it now, on the request's thread
                super.append(event);
            }
        };
        appender.start();
        logger.addAppender(appender);
        Level before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        try {
            for (String bad : new String[] {null, "00-" + TRACE_ID + "-" + PARENT_SPAN_ID, "00-00000000000000000000000000000000-" + PARENT_SPAN_ID + "-01",
                    "zz-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01", "00-" + TRACE_ID.toUpperCase() + "-" + PARENT_SPAN_ID + "-01"}) {
                HttpRequest.Builder request = HttpRequest.newBuilder(api.uri("/health")).GET();
                if (bad != null) {
                    request.header("traceparent", bad);
                }
                HttpResponse<String> response = api.send(request);
                String traceId = response.headers().firstValue("X-Trace-Id").orElseThrow();
                assertThat(traceId).as(bad).matches("[0-9a-f]{32}").isNotEqualTo(TRACE_ID).isNotEqualTo("0".repeat(32));
                assertThat(response.headers().firstValue("traceparent").orElseThrow()).startsWith("00-" + traceId + "-");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (events(appender).stream().noneMatch(e -> traceId.equals(e.getMDCPropertyMap().get("trace_id"))) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertThat(events(appender)).as("a log line with trace_id " + traceId)
                        .anyMatch(e -> traceId.equals(e.getMDCPropertyMap().get("trace_id")) && e.getFormattedMessage().contains("GET /health -> 200"));
            }
        } finally {
            logger.setLevel(before);
            logger.detachAppender(appender);
        }
    }

    /** The events so far (logback appends under the appender's lock). */
    private static List<ILoggingEvent> events(ListAppender<ILoggingEvent> appender) {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    private static String modelName() {
        return TestServer.json(api.get("/models")).get("default").asText();
    }

    private static List<io.opentelemetry.proto.trace.v1.Span> awaitSpans(String traceId, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<io.opentelemetry.proto.trace.v1.Span> spans = SPANS.stream().filter(s -> hex(s.getTraceId().toByteArray()).equals(traceId)).toList();
            if (spans.size() >= atLeast || System.nanoTime() > deadline) {
                return spans;
            }
            Thread.sleep(50);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}

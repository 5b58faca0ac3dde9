package dev.imageclassifier.serve;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.concurrent.TimeUnit;

/**
 * W3C trace context for every request that reaches the routes: a valid {@code traceparent} header makes the request
 * part of the caller's trace, an absent or malformed one (the W3C format is checked by OpenTelemetry's propagator)
 * starts a new trace. The trace and span ids go into the log lines written while the request is handled (MDC keys
 * {@code trace_id} and {@code span_id}: the CLI's JSON log format writes them) and into the answer: {@code traceparent}
 * naming the server's span, and {@code X-Trace-Id}. The routes run inside this handler, on its thread, so the span is
 * also OpenTelemetry's current context for {@link Tracing#recordPrediction}.
 */
final class RequestTracing extends Handler.Wrapper {

    static final String TRACE_ID_HEADER = "X-Trace-Id";
    private static final Logger LOG = LoggerFactory.getLogger(RequestTracing.class);
    private static final TextMapGetter<HttpFields> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpFields carrier) {
            return carrier.getFieldNamesCollection();
        }

        @Override
        public String get(HttpFields carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracing tracing;

    RequestTracing(Tracing tracing) {
        this.tracing = tracing;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), request.getHeaders(), HEADERS);
        long began = Tracing.epochNanos() - (System.nanoTime() - request.getBeginNanoTime()); // body reception included
        String method = request.getMethod();
        String path = Request.getPathInContext(request);
        Span span = tracing.startServer(method + " " + path, parent, began);
        span.setAttribute(AttributeKey.stringKey("http.request.method"), method);
        span.setAttribute(AttributeKey.stringKey("url.path"), path);
        SpanContext ids = span.getSpanContext();
        response.getHeaders().put("traceparent", "00-" + ids.getTraceId() + "-" + ids.getSpanId() + "-" + ids.getTraceFlags().asHex());
        response.getHeaders().put(TRACE_ID_HEADER, ids.getTraceId());
        Callback ending = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                end(span, response.getStatus(), null, method, path);
                super.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                end(span, response.getStatus(), x, method, path);
                super.failed(x);
            }
        };
        MDC.put("trace_id", ids.getTraceId());
        MDC.put("span_id", ids.getSpanId());
        try (Scope scope = tracing.contextFor(parent, span).makeCurrent()) {
            boolean handled = super.handle(request, response, ending);
            if (!handled) {
                end(span, 404, null, method, path);
            }
            return handled;
        } finally {
            MDC.remove("trace_id");
            MDC.remove("span_id");
        }
    }

    private static void end(Span span, int status, Throwable failure, String method, String path) {
        span.setAttribute(AttributeKey.longKey("http.response.status_code"), (long) status);
        if (status >= 500 || failure != null) {
            span.setStatus(StatusCode.ERROR);
        }
        if (status == 404) {
            span.updateName(method); // unknown paths must not each make a span name
        }
        span.end(Tracing.epochNanos(), TimeUnit.NANOSECONDS);
        if (LOG.isDebugEnabled()) {
            SpanContext ids = span.getSpanContext();
            try (MDC.MDCCloseable trace = MDC.putCloseable("trace_id", ids.getTraceId());
                 MDC.MDCCloseable spanId = MDC.putCloseable("span_id", ids.getSpanId())) {
                LOG.debug("{} {} -> {}", method, path, status);
            }
        }
    }
}

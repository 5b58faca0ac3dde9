package dev.imageclassifier.serve;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The server's Prometheus meters: HTTP requests by route and status with a latency histogram (here),
 * batching and inference meters (reported by the classifier through {@link MicrometerMonitor}), and the JVM's.
 */
public final class ServeMetrics implements AutoCloseable {

    /** The content type of Prometheus' text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    /**
     * Adds the JVM's own meters (memory, GC, threads, CPU, uptime), named as Prometheus expects so that
     * {@code promtool check metrics} passes: Micrometer's {@code process.cpu.time} counts nanoseconds
     * ({@code process_cpu_time_ns_total}: an abbreviated unit), so the process CPU time is exported as
     * Prometheus' usual {@code process_cpu_seconds_total} instead; {@code system.cpu.count} is a gauge whose
     * name ends like a summary's count, so it becomes {@code system_cpus}.
     */
    public void bindJvmMeters() {
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
            }
        });
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, bean -> bean.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time used by the server process").register(registry);
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Records one finished request. The route is the matched path template, so unknown paths share one tag;
     * a 405 names the route whose method was wrong (a 405 only happens on a route's own path).
     */
    public void record(Context ctx, Float millis) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        String route = endpoint != null ? endpoint.path
                : ctx.statusCode() == 405 ? withoutTrailingSlash(ctx.path())
                : ctx.statusCode() == 404 ? "NOT_FOUND" : "UNMATCHED";
        Timer.builder("http.server.requests").description("HTTP requests by route and status")
                .tags("method", ctx.method().name(), "route", route, "status", Integer.toString(ctx.statusCode()))
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry)
                .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
    }

    /** Counts a request body refused before the routes saw it ({@code slow}, {@code too_large}, {@code busy}). */
    public void refusedUpload(String reason) {
        io.micrometer.core.instrument.Counter.builder("http.server.uploads.refused")
                .description("Request bodies refused before the routes: too slow or stalled, too large, no memory left for them, or cut off by the shutdown")
                .tag("reason", reason).register(registry).increment();
    }

    /** Counts a request refused for its token before the routes saw it (401: none or a wrong one; 403: admin routes off). */
    public void refusedAccess(int status) {
        io.micrometer.core.instrument.Counter.builder("http.server.requests.refused.access")
                .description("Requests refused by the bearer-token check: 401 without a valid token, 403 for admin routes with no token configured")
                .tag("status", Integer.toString(status)).register(registry).increment();
    }

    private static String withoutTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** A gauge read from {@code value} at each scrape. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** A counter read from {@code count} at each scrape, tagged with a {@code reason} (the meter holds it weakly). */
    public void counter(String name, String description, String reason, java.util.concurrent.atomic.AtomicLong count) {
        FunctionCounter.builder(name, count, java.util.concurrent.atomic.AtomicLong::doubleValue).description(description)
                .tag("reason", reason).register(registry);
    }

    /** All meters in Prometheus' text format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}

package dev.imageclassifier.serve;

import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Liveness and readiness apart, as Kubernetes probes them: {@code /livez} says the process works (a pod failing it is
 * restarted), {@code /readyz} that the default model is loaded and warmed up and the server is not draining (a pod
 * failing it only gets no traffic). {@code /health} keeps its old meaning: 200 while the default model can answer.
 */
final class HealthRoutes {

    private final ModelRegistry registry;

    HealthRoutes(ModelRegistry registry) {
        this.registry = registry;
    }

    void health(Context ctx) {
        String reason = registry.defaultUnavailableReason();
        if (reason != null) {
            ctx.header("Retry-After", Problem.RETRY_AFTER_SECONDS);
            ctx.status(503).json(Map.of("status", "unavailable", "detail", reason));
        } else {
            ctx.json(Map.of("status", "ok"));
        }
    }

    void livez(Context ctx) {
        ctx.json(Map.of("status", "ok"));
    }

    void readyz(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (registry.isReady()) {
            body.put("status", "ready");
            body.put("model", registry.defaultName());
            body.put("model_version", registry.status(registry.defaultName()).version());
            ctx.json(body);
            return;
        }
        ctx.header("Retry-After", Problem.RETRY_AFTER_SECONDS);
        body.put("status", registry.isDraining() ? "draining" : "unavailable");
        String reason = registry.defaultUnavailableReason();
        body.put("detail", registry.isDraining() ? "The server is shutting down" : reason);
        ctx.status(503).json(body);
    }
}

package dev.imageclassifier.serve;

import io.javalin.http.Context;

import java.util.Map;

/**
 * What the server says about its models, and the admin route that reloads one: {@code GET /model} and
 * {@code GET /report} (default model, or under {@code /models/{name}[/versions/{version}]}), {@code GET /models},
 * {@code GET /models/{name}} (the status document) and {@code POST /admin/models/{name}/reload}.
 */
final class ModelRoutes {

    private final ModelRegistry registry;

    ModelRoutes(ModelRegistry registry) {
        this.registry = registry;
    }

    void info(Context ctx) {
        try (ModelLease lease = PredictRoutes.lease(registry, ctx)) {
            ctx.json(ModelInfoJson.of(lease.classifier().info()));
        }
    }

    void report(Context ctx) throws Exception {
        try (ModelLease lease = PredictRoutes.lease(registry, ctx)) {
            ReportFile.serve(ctx, lease.served().source(), lease.classifier().info());
        }
    }

    void list(Context ctx) {
        ctx.json(Map.of("default", registry.defaultName(), "models", registry.models()));
    }

    void status(Context ctx) {
        ctx.attribute(ReportFile.OWN_404, true); // an unknown model's 404 keeps its detail
        ctx.json(registry.status(ctx.pathParam("name")));
    }

    /**
     * Loads the model's files again and swaps in what loaded; 200 with the status, or 422 with the reason and the status
     * when a file could not be loaded (the version serving before keeps serving).
     */
    void reload(Context ctx) {
        String name = ctx.pathParam("name");
        ctx.attribute(ReportFile.OWN_404, true);
        boolean loaded = registry.reload(name);
        ModelStatusJson status = registry.status(name);
        if (loaded) {
            ctx.json(status);
            return;
        }
        String reason = status.versions().stream().filter(v -> v.lastError() != null).map(v -> v.lastError().detail())
                .findFirst().orElse("the model could not be loaded");
        String kept = status.ready() ? "; version " + status.version() + " keeps serving" : "";
        ctx.status(422).json(Map.of("detail", "Reload failed: " + reason + kept, "status", status));
    }
}

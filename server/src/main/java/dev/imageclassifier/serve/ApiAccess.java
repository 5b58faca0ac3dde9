package dev.imageclassifier.serve;

import java.util.List;
import java.util.Locale;

/**
 * Who may call what. With no token configured the API is open, as before, except the admin routes
 * ({@code /admin/...}), which are then refused to everyone. With tokens, every route needs one ({@code Authorization:
 * Bearer TOKEN}) except the open routes (probes and metrics by default); the admin routes need one whatever the open
 * routes say.
 *
 * @param tokens     the accepted bearer tokens
 * @param openRoutes paths served without a token even when tokens are configured; an entry ending in {@code *} opens
 *                   every path it starts
 */
public record ApiAccess(AccessTokens tokens, List<String> openRoutes) {

    /** Probes, metrics and the protocol's health routes. */
    public static final List<String> DEFAULT_OPEN_ROUTES = List.of("/health", "/livez", "/readyz", "/metrics",
            "/v2/health/live", "/v2/health/ready");

    /** Where the admin routes live. */
    static final String ADMIN_PREFIX = "/admin";

    public ApiAccess {
        openRoutes = List.copyOf(openRoutes);
        for (String route : openRoutes) {
            if (!route.startsWith("/")) {
                throw new IllegalArgumentException("an open route is a path starting with '/', got '" + route + "'");
            }
            if (isAdmin(route.endsWith("*") ? route.substring(0, route.length() - 1) : route) || "/*".equals(route)) {
                throw new IllegalArgumentException("the admin routes always need a token: '" + route + "' cannot be opened");
            }
        }
    }

    /** No tokens, the default open routes. */
    public static ApiAccess open() {
        return new ApiAccess(AccessTokens.NONE, DEFAULT_OPEN_ROUTES);
    }

    /** Comma-separated paths, e.g. {@code /health,/metrics,/docs*}; blank entries skipped. */
    public static List<String> parseRoutes(String commaSeparated) {
        return java.util.Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Whether a request for this (canonical, decoded) path needs no token. */
    boolean isOpen(String path) {
        String trimmed = withoutTrailingSlash(path);
        for (String route : openRoutes) {
            if (route.endsWith("*") ? trimmed.startsWith(route.substring(0, route.length() - 1)) : trimmed.equals(withoutTrailingSlash(route))) {
                return true;
            }
        }
        return false;
    }

    /** {@code /admin} and everything under it (compared without case: Javalin's matching must not be outguessed). */
    static boolean isAdmin(String path) {
        String lower = withoutTrailingSlash(path).toLowerCase(Locale.ROOT);
        return lower.equals(ADMIN_PREFIX) || lower.startsWith(ADMIN_PREFIX + "/");
    }

    private static String withoutTrailingSlash(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}

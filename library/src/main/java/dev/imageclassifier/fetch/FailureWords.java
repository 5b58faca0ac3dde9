package dev.imageclassifier.fetch;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** How a download's failures read to a user: who could not be reached, how long was waited, what a status means. */
final class FailureWords {

    private FailureWords() {
    }

    /** Who the connection goes to: the server, or the proxy in between. */
    static String peer(URI url, ProxySelector proxySelector) {
        List<Proxy> proxies = proxySelector.select(url);
        if (!proxies.isEmpty() && proxies.get(0).address() instanceof InetSocketAddress proxy) {
            return "the proxy " + proxy.getHostString() + ":" + proxy.getPort();
        }
        int port = url.getPort() >= 0 ? url.getPort() : url.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return url.getHost() + ":" + port;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** A failed connection in plain words: "connection refused by host:port", "cannot resolve host:port". */
    static String connectFailure(ConnectException e, String peer) {
        return (unresolved(e) ? "cannot resolve " : "connection refused by ") + peer;
    }

    /** Whether the host name did not resolve (Java's HTTP client says so only in the cause of a bare ConnectException). */
    static boolean unresolved(ConnectException e) {
        return causedBy(e, UnresolvedAddressException.class) || causedBy(e, UnknownHostException.class);
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    static String httpReason(int status) {
        return switch (status) {
            case 400 -> " (bad request)";
            case 401 -> " (authentication required)";
            case 403 -> " (access denied)";
            case 404 -> " (not found)";
            case 407 -> " (proxy authentication required; put credentials in the proxy URL)";
            case 408 -> " (request timeout)";
            case 410 -> " (gone)";
            case 429 -> " (too many requests)";
            case 500 -> " (internal server error)";
            case 502 -> " (bad gateway)";
            case 503 -> " (service unavailable)";
            case 504 -> " (gateway timeout)";
            default -> "";
        };
    }
}

package dev.imageclassifier.fetch;

import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The proxy settings that curl, wget, pip and Go read from the environment, as a {@link ProxySelector}
 * for Java's HTTP client: {@code https_proxy}/{@code HTTPS_PROXY} for https URLs,
 * {@code http_proxy}/{@code HTTP_PROXY} for http URLs (lowercase wins), and {@code no_proxy}/{@code NO_PROXY}
 * for hosts reached directly. Where no variable applies, Java's own settings decide
 * ({@code -Dhttps.proxyHost=...}, {@link ProxySelector#getDefault()}).
 *
 * <p>Proxy values look like {@code http://[user:password@]host[:port]} (port 80 when omitted; the scheme
 * may be left out). Java's HTTP client speaks only to HTTP proxies, so {@code socks5://} and
 * {@code https://} proxies are refused with a message. {@code no_proxy} entries are host names, domain
 * suffixes ({@code example.com} and {@code .example.com} both cover {@code a.example.com}), optionally
 * with {@code :port}, or {@code *} for every host; CIDR ranges are not understood.
 *
 * <p>Credentials in a proxy URL are answered through {@link #authenticator()}. Note that Java disables
 * Basic authentication for HTTPS tunnels unless {@code -Djdk.http.auth.tunneling.disabledSchemes=} is set.
 */
public final class EnvironmentProxySelector extends ProxySelector {

    private record ProxyServer(InetSocketAddress address, PasswordAuthentication credentials) {
    }

    private record Bypass(String domain, int port) {
        boolean matches(String host, int hostPort) {
            return (host.equals(domain) || host.endsWith("." + domain)) && (port < 0 || port == hostPort);
        }
    }

    private final ProxyServer http;
    private final ProxyServer https;
    private final List<Bypass> bypass;
    private final boolean bypassAll;
    private final ProxySelector fallback;

    private EnvironmentProxySelector(ProxyServer http, ProxyServer https, List<Bypass> bypass, boolean bypassAll,
                                     ProxySelector fallback) {
        this.http = http;
        this.https = https;
        this.bypass = bypass;
        this.bypassAll = bypassAll;
        this.fallback = fallback;
    }

    /** The selector for this process's environment, falling back to {@link ProxySelector#getDefault()}. */
    public static EnvironmentProxySelector fromEnvironment() {
        return of(System.getenv(), ProxySelector.getDefault());
    }

    /**
     * The selector for the given variables; {@code fallback} (may be null: go direct) serves URLs that no
     * variable covers.
     *
     * @throws IllegalArgumentException when a proxy variable cannot be used, naming the variable
     */
    public static EnvironmentProxySelector of(Map<String, String> env, ProxySelector fallback) {
        ProxyServer http = proxyServer(env, "http_proxy");
        ProxyServer https = proxyServer(env, "https_proxy");
        List<Bypass> bypass = new ArrayList<>();
        boolean bypassAll = false;
        String noProxy = setVariable(env, "no_proxy");
        if (noProxy != null) {
            for (String entry : env.get(noProxy).strip().toLowerCase(Locale.ROOT).split("[,\\s]+")) {
                if (entry.equals("*")) {
                    bypassAll = true;
                } else if (!entry.isEmpty()) {
                    bypass.add(bypassEntry(entry));
                }
            }
        }
        return new EnvironmentProxySelector(http, https, List.copyOf(bypass), bypassAll, fallback);
    }

    @Override
    public List<Proxy> select(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return fallback(uri);
        }
        host = stripBrackets(host.toLowerCase(Locale.ROOT));
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        if (bypassAll || isBypassed(host, port)) {
            return List.of(Proxy.NO_PROXY);
        }
        ProxyServer server = "https".equalsIgnoreCase(uri.getScheme()) ? https
                : "http".equalsIgnoreCase(uri.getScheme()) ? http : null;
        return server != null ? List.of(new Proxy(Proxy.Type.HTTP, server.address())) : fallback(uri);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        if (fallback != null) {
            fallback.connectFailed(uri, address, failure);
        }
    }

    /** Answers proxy logins with the credentials written in the proxy variables, when there are any. */
    public Optional<Authenticator> authenticator() {
        if ((http == null || http.credentials() == null) && (https == null || https.credentials() == null)) {
            return Optional.empty();
        }
        return Optional.of(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                if (getRequestorType() != RequestorType.PROXY) {
                    return null;
                }
                for (ProxyServer server : new ProxyServer[] {http, https}) {
                    if (server != null && server.credentials() != null
                            && server.address().getHostString().equalsIgnoreCase(getRequestingHost())
                            && server.address().getPort() == getRequestingPort()) {
                        return server.credentials();
                    }
                }
                return null;
            }
        });
    }

    private boolean isBypassed(String host, int port) {
        for (Bypass entry : bypass) {
            if (entry.matches(host, port)) {
                return true;
            }
        }
        return false;
    }

    private List<Proxy> fallback(URI uri) {
        return fallback != null ? fallback.select(uri) : List.of(Proxy.NO_PROXY);
    }

    /** The name of the lowercase variable if set, else of the uppercase one (as curl and wget do), else null. */
    private static String setVariable(Map<String, String> env, String lowercaseName) {
        for (String name : new String[] {lowercaseName, lowercaseName.toUpperCase(Locale.ROOT)}) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return name;
            }
        }
        return null;
    }

    private static ProxyServer proxyServer(Map<String, String> env, String lowercaseName) {
        String name = setVariable(env, lowercaseName);
        if (name == null) {
            return null;
        }
        String value = env.get(name).strip();
        URI uri;
        try {
            uri = new URI(value.contains("://") ? value : "http://" + value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + "=" + value + " is not a proxy URL like http://proxy.example:3128", e);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException(name + "=" + value + ": only http:// proxies are supported"
                    + " (Java's HTTP client cannot use " + uri.getScheme() + " proxies)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(name + "=" + value + " names no proxy host; expected http://host:port");
        }
        PasswordAuthentication credentials = null;
        if (uri.getUserInfo() != null) {
            // a user name cannot contain ':', a password can
            String[] userAndPassword = uri.getUserInfo().split(":", 2);
            credentials = new PasswordAuthentication(userAndPassword[0],
                    (userAndPassword.length > 1 ? userAndPassword[1] : "").toCharArray());
        }
        InetSocketAddress address = InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort() >= 0 ? uri.getPort() : 80);
        return new ProxyServer(address, credentials);
    }

    private static Bypass bypassEntry(String entry) {
        String domain = entry;
        int port = -1;
        int colon = entry.lastIndexOf(':');
        // "host:port" and "[v6]:port" carry a port; a bare IPv6 address has several colons and none
        boolean hasPort = entry.startsWith("[") ? entry.contains("]:") : colon > 0 && entry.indexOf(':') == colon;
        if (hasPort) {
            try {
                port = Integer.parseInt(entry.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("NO_PROXY entry '" + entry + "' has a port that is not a number", e);
            }
            domain = entry.substring(0, colon);
        }
        domain = stripBrackets(domain);
        while (domain.startsWith("*.") || domain.startsWith(".")) {
            domain = domain.substring(domain.indexOf('.') + 1);
        }
        return new Bypass(domain, port);
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}

package dev.imageclassifier.fetch;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP server on a free loopback port for download tests: serves handlers by path prefix and records
 * every request (including those to unknown paths, which get 404).
 */
public final class LocalHttpServer implements AutoCloseable {

    /** One request as the server saw it; {@code target} is the request line's URI (absolute via a proxy). */
    public record Request(String method, String target, Headers headers) {
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.getFirst(name));
        }
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    private LocalHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        handle("/", exchange -> send(exchange, 404, "no such file".getBytes()));
        server.start();
    }

    public static LocalHttpServer start() throws IOException {
        return new LocalHttpServer();
    }

    /** Serves {@code handler} for paths starting with {@code path} (not "/", which answers 404). */
    public LocalHttpServer handle(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), copy(exchange.getRequestHeaders())));
            try (exchange) {
                handler.handle(exchange); // an exception makes the server drop the connection
            }
        });
        return this;
    }

    /** Options for tests: {@code attempts} tries without waiting, no proxy, no progress bar. */
    public static DownloadOptions downloadOptions(int attempts) {
        return new DownloadOptions(attempts, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(10),
                HttpClient.Builder.NO_PROXY, dev.imageclassifier.ProgressListener.NONE);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Lets handlers that are {@link #stallAfter stalling} finish. */
    public void releaseStalled() {
        release.countDown();
    }

    @Override
    public void close() {
        releaseStalled();
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- handlers ----

    /** Serves {@code content} like a static file server: ETag, Range (206) and 416 past the end. */
    public static HttpHandler file(byte[] content) {
        return exchange -> {
            exchange.getResponseHeaders().add("ETag", etag(content));
            exchange.getResponseHeaders().add("Accept-Ranges", "bytes");
            String range = exchange.getRequestHeaders().getFirst("Range");
            String ifRange = exchange.getRequestHeaders().getFirst("If-Range");
            Matcher matcher = range == null ? null : RANGE.matcher(range);
            if (matcher == null || !matcher.matches() || ifRange != null && !ifRange.equals(etag(content))) {
                send(exchange, 200, content);
                return;
            }
            int start = Integer.parseInt(matcher.group(1));
            if (start >= content.length) {
                exchange.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            exchange.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
            send(exchange, 206, Arrays.copyOfRange(content, start, content.length));
        };
    }

    /** Announces all of {@code content} (200), sends the first {@code bytes}, then drops the connection. */
    public static HttpHandler cutAfter(byte[] content, int bytes) {
        return exchange -> {
            sendStart(exchange, content, bytes);
            throw new IOException("connection cut on purpose"); // the server drops the connection
        };
    }

    /** Like {@link #cutAfter} but keeps the connection open and silent until the test ends. */
    public HttpHandler stallAfter(byte[] content, int bytes) {
        return exchange -> {
            sendStart(exchange, content, bytes);
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private static void sendStart(HttpExchange exchange, byte[] content, int bytes) throws IOException {
        exchange.getResponseHeaders().add("ETag", etag(content));
        exchange.sendResponseHeaders(200, content.length);
        OutputStream body = exchange.getResponseBody();
        body.write(content, 0, bytes);
        body.flush();
    }

    /** Answers with a bare status and a short body. */
    public static HttpHandler status(int status) {
        return exchange -> send(exchange, status, ("status " + status).getBytes());
    }

    /** Redirects (302) to {@code location}. */
    public static HttpHandler redirect(String location) {
        return exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(302, -1);
        };
    }

    /** Uses the handlers in turn, one per request; the last one answers all further requests. */
    public static HttpHandler sequence(HttpHandler... handlers) {
        AtomicInteger next = new AtomicInteger();
        return exchange -> handlers[Math.min(next.getAndIncrement(), handlers.length - 1)].handle(exchange);
    }

    public static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The ETag {@link #file} and {@link #cutAfter} send for {@code content}. */
    public static String etag(byte[] content) {
        return "\"" + Integer.toHexString(Arrays.hashCode(content)) + "\"";
    }

    private static Headers copy(Headers headers) {
        Headers copy = new Headers();
        headers.forEach(copy::put);
        return copy;
    }
}

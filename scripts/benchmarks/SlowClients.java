import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Slow-client load check against a server on this machine (loopback only; bounded in time and connections).
 * Holds N connections that each send {@code POST /predict} headers with {@code Content-Length: 1000000} and then
 * either one body byte a second ({@code --mode slow-body}) or nothing ({@code --mode silent-headers}); or that
 * send the start of those headers and then one more header byte a second ({@code --mode trickled-headers}); or none of
 * them ({@code --mode none}, the control measured beside them). {@code --from 127.0.0.2} opens them from another
 * loopback address than the probes', as a crowd of one client address would come; a closed
 * connection is reopened, at most 20 × N times in all. Meanwhile it probes {@code GET /health} every 50 ms and
 * sends a normal {@code POST /predict} with a real image every second, and prints their latencies, how the server
 * closed the slow connections, and the server's memory (with {@code --pid}).
 *
 * <pre>java scripts/benchmarks/SlowClients.java http://127.0.0.1:8000 --mode slow-body --connections 1000 --seconds 20 --image photo.jpg [--pid PID]</pre>
 *
 * A single-file program (run by {@code java} itself, nothing to build) so that it can measure any build of the server.
 */
public final class SlowClients {

    private static final int REOPEN_FACTOR = 20;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        URI base = URI.create(args[0]);
        if (!InetAddress.getByName(base.getHost()).isLoopbackAddress()) {
            System.err.println("error: " + base.getHost() + " is not a loopback address; this load check only targets this machine");
            System.exit(2);
        }
        String mode = options.getOrDefault("mode", "slow-body");
        int connections = mode.equals("none") ? 0 : Integer.parseInt(options.getOrDefault("connections", "1000"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        byte[] image = Files.readAllBytes(Path.of(options.get("image")));
        long pid = Long.parseLong(options.getOrDefault("pid", "0"));

        InetSocketAddress from = new InetSocketAddress(options.getOrDefault("from", "0.0.0.0"), 0);
        if (!from.getAddress().isAnyLocalAddress() && !from.getAddress().isLoopbackAddress()) {
            System.err.println("error: --from " + from.getHostString() + " is not a loopback address");
            System.exit(2);
        }
        SlowConnections slow = new SlowConnections(new InetSocketAddress(base.getHost(), base.getPort()), from, mode, connections);
        Thread slowThread = new Thread(slow::run, "slow-clients");
        slowThread.start();
        slow.awaitOpen(60_000);
        System.out.printf(Locale.ROOT, "%s: %d slow connections open of %d (POST /predict, %s); measuring for %d s%n",
                mode, slow.open(), connections, switch (mode) {
                    case "slow-body" -> "Content-Length: 1000000, 1 body byte/s each";
                    case "trickled-headers" -> "1 header byte/s each, headers never finished";
                    default -> "Content-Length: 1000000, no body";
                }, seconds);

        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Probe health = new Probe("GET /health");
        Probe predict = new Probe("POST /predict (" + image.length / 1024 + " KiB JPEG)");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Thread predictThread = new Thread(() -> predictEverySecond(client, base, image, predict, end), "predict-probe");
        predictThread.start();
        long peakRss = 0;
        long nextRssSample = 0;
        while (System.nanoTime() < end) {
            health.time(() -> client.send(HttpRequest.newBuilder(base.resolve("/health")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            if (pid > 0 && System.nanoTime() > nextRssSample) {
                peakRss = Math.max(peakRss, rssKib(pid));
                nextRssSample = System.nanoTime() + 1_000_000_000L;
            }
            Thread.sleep(50);
        }
        predictThread.join();
        slow.stop();
        slowThread.join();

        System.out.println("  " + health.summary());
        System.out.println("  " + predict.summary());
        System.out.println("  " + slow.summary());
        if (pid > 0) {
            System.out.printf(Locale.ROOT, "  server RSS: peak %d MiB while measured (VmHWM since start: %d MiB)%n", peakRss / 1024,
                    status(pid, "VmHWM") / 1024);
        }
    }

    private static void predictEverySecond(HttpClient client, URI base, byte[] image, Probe probe, long end) {
        String boundary = "slowclients" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"image.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        while (System.nanoTime() < end) {
            probe.time(() -> client.send(HttpRequest.newBuilder(base.resolve("/predict")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head, image, tail))).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Latencies and statuses of one kind of request. */
    static final class Probe {
        interface Call {
            int status() throws Exception;
        }

        private final String name;
        private final List<Double> millis = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, Integer> outcomes = Collections.synchronizedMap(new TreeMap<>());

        Probe(String name) {
            this.name = name;
        }

        void time(Call call) {
            long start = System.nanoTime();
            String outcome;
            try {
                outcome = Integer.toString(call.status());
            } catch (Exception e) {
                outcome = e.getClass().getSimpleName();
            }
            millis.add((System.nanoTime() - start) / 1e6);
            outcomes.merge(outcome, 1, Integer::sum);
        }

        String summary() {
            List<Double> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            if (sorted.isEmpty()) {
                return name + ": no requests";
            }
            return String.format(Locale.ROOT, "%s: %d requests %s, p50 %.1f ms, p99 %.1f ms, max %.1f ms", name, sorted.size(),
                    outcomes, percentile(sorted, 50), percentile(sorted, 99), sorted.get(sorted.size() - 1));
        }

        private static double percentile(List<Double> sorted, double p) {
            return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p / 100 * sorted.size()) - 1));
        }
    }

    /** The slow connections, all driven by one thread with a selector. */
    static final class SlowConnections {
        private final InetSocketAddress address;
        private final InetSocketAddress from;
        private final boolean trickle;
        private final byte trickled;
        private final int target;
        private final byte[] headers;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<String, Integer> closes = new TreeMap<>();
        private volatile int open;
        private int opened;
        private int failedToOpen;

        SlowConnections(InetSocketAddress address, InetSocketAddress from, String mode, int target) {
            this.address = address;
            this.from = from;
            this.trickle = mode.equals("slow-body") || mode.equals("trickled-headers");
            this.trickled = (byte) (mode.equals("trickled-headers") ? 'a' : '-');
            this.target = target;
            this.headers = ("POST /predict HTTP/1.1\r\nHost: " + address.getHostString() + "\r\n"
                    + "Content-Type: multipart/form-data; boundary=slow\r\nContent-Length: 1000000\r\n"
                    + (mode.equals("trickled-headers") ? "X-Slow: " : "\r\n")).getBytes(StandardCharsets.US_ASCII);
        }

        int open() {
            return open;
        }

        /** Until all are open, or (when the server refuses some) a second after the first {@code target} were tried. */
        void awaitOpen(long timeoutMs) throws InterruptedException {
            long until = System.currentTimeMillis() + timeoutMs;
            long settled = Long.MAX_VALUE;
            while (open < target && System.currentTimeMillis() < Math.min(until, settled)) {
                if (opened >= target && settled == Long.MAX_VALUE) {
                    settled = System.currentTimeMillis() + 1000;
                }
                Thread.sleep(20);
            }
        }

        void stop() {
            running.set(false);
        }

        void run() {
            ByteBuffer readBuffer = ByteBuffer.allocate(4096);
            ByteBuffer oneByte = ByteBuffer.allocate(1);
            try (Selector selector = Selector.open()) {
                long nextByte = System.nanoTime();
                while (running.get()) {
                    // open (or reopen) up to the target, 100 at a time so the accept backlog keeps up
                    for (int i = 0; i < 100 && open < target && opened < REOPEN_FACTOR * target; i++) {
                        openOne(selector);
                    }
                    selector.select(20);
                    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        readAnswer(key, readBuffer);
                    }
                    if (trickle && System.nanoTime() >= nextByte) {
                        for (SelectionKey key : selector.keys()) {
                            writeOneByte(key, oneByte);
                        }
                        nextByte += 1_000_000_000L;
                    }
                }
                for (SelectionKey key : selector.keys()) {
                    key.channel().close();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private void openOne(Selector selector) {
            opened++;
            try {
                SocketChannel channel = SocketChannel.open();
                channel.bind(from);
                channel.connect(address);
                channel.write(ByteBuffer.wrap(headers));
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ, new StringBuilder());
                open++;
            } catch (IOException e) {
                failedToOpen++;
            }
        }

        private void readAnswer(SelectionKey key, ByteBuffer buffer) {
            SocketChannel channel = (SocketChannel) key.channel();
            StringBuilder answer = (StringBuilder) key.attachment();
            int read;
            try {
                buffer.clear();
                read = channel.read(buffer);
            } catch (IOException e) {
                read = -1;
            }
            if (read > 0 && answer.length() < 64) {
                answer.append(new String(buffer.array(), 0, read, StandardCharsets.ISO_8859_1));
            }
            if (read < 0) {
                String status = answer.length() >= 12 && answer.toString().startsWith("HTTP/") ? answer.substring(9, 12) : "no answer";
                closes.merge(status, 1, Integer::sum);
                close(key);
            }
        }

        private void writeOneByte(SelectionKey key, ByteBuffer oneByte) {
            try {
                oneByte.clear();
                oneByte.put(trickled).flip();
                ((SocketChannel) key.channel()).write(oneByte);
            } catch (IOException e) {
                // the server closed it; the read side records how
            }
        }

        private void close(SelectionKey key) {
            key.cancel();
            try {
                key.channel().close();
            } catch (IOException e) {
                // already gone
            }
            open--;
        }

        String summary() {
            return String.format(Locale.ROOT, "slow connections: %d opened (%d failed to open); closed by the server, by answer: %s",
                    opened, failedToOpen, closes.isEmpty() ? "none" : closes);
        }
    }

    private static long rssKib(long pid) {
        return status(pid, "VmRSS");
    }

    private static long status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return 0;
    }

    private static Map<String, String> options(String[] args) {
        if (args.length == 0 || args[0].startsWith("--")) {
            System.err.println("usage: java scripts/benchmarks/SlowClients.java http://127.0.0.1:PORT --image FILE [--mode slow-body|silent-headers|trickled-headers|none] "
                    + "[--connections N] [--seconds S] [--from 127.0.0.2] [--pid SERVER_PID]");
            System.exit(2);
        }
        Map<String, String> options = new TreeMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (!options.containsKey("image")) {
            System.err.println("error: --image FILE is required");
            System.exit(2);
        }
        return options;
    }
}

package dev.imageclassifier.serve;

import dev.imageclassifier.serve.ServeSettings.ConnectionLimits;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps clients that open many connections, or send their request headers slowly, from taking the server from
 * everyone else:
 * <ul>
 *     <li>a connection over the cap of its client address, or over the total cap, is answered 503 at once and
 *     closed before Jetty reads from it; the last tenth of the total goes only to addresses that hold no
 *     connection yet, so that a health probe still gets in while one crowd holds the rest;</li>
 *     <li>a request whose headers have not all arrived within the header timeout has its connection closed,
 *     however steadily the bytes trickle (Jetty's idle timeout restarts with every byte). The clock starts when
 *     the connection opens, and on a kept-alive connection again at the first byte of the next request; once
 *     the headers are in, the body is {@link UploadReceiver}'s business.</li>
 * </ul>
 * Refusals and closes are counted in {@code /metrics} and summed up in the log at most every ten seconds.
 */
final class ConnectionGuard extends AbstractLifeCycle implements SelectorManager.AcceptListener, Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long SWEEP_MILLIS = 200;
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Server server;
    private final long headerTimeoutNanos;
    private final int maxTotal;
    private final int reserved;
    private final int maxPerAddress;
    private final Map<SelectableChannel, Object> addressOf = new ConcurrentHashMap<>();
    private final Map<Object, Integer> heldBy = new HashMap<>(); // guarded by this
    private int held; // guarded by this
    private final Map<Connection, HeaderClock> clocks = new ConcurrentHashMap<>();
    private final AtomicLong refusedPerAddress = new AtomicLong();
    private final AtomicLong refusedTotal = new AtomicLong();
    private final AtomicLong headerTimeouts = new AtomicLong();
    private long[] logged = new long[3];
    private long lastLog = System.nanoTime() - LOG_EVERY_NANOS;
    private ScheduledExecutorService sweeper;

    ConnectionGuard(ConnectionLimits limits, Server server, ServeMetrics metrics) {
        this.server = server;
        this.headerTimeoutNanos = limits.headerTimeout().toNanos();
        this.maxTotal = limits.totalCap();
        this.reserved = Math.max(1, maxTotal / 10);
        this.maxPerAddress = limits.maxPerAddress();
        metrics.gauge("http.server.connections.open", "Connections open now", this::held);
        String refused = "Connections answered 503 and closed at once: over the cap of their client address, or over the total";
        metrics.counter("http.server.connections.refused", refused, "per_address", refusedPerAddress);
        metrics.counter("http.server.connections.refused", refused, "total", refusedTotal);
        metrics.counter("http.server.connections.closed", "Connections closed by the server before a request was read",
                "header_timeout", headerTimeouts);
    }

    /** Wraps the server's handlers: a request that reached them has all its headers, and stops its connection's clock. */
    Handler.Wrapper wrap(Handler handler) {
        return new Handler.Wrapper(handler) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Connection connection = request.getConnectionMetaData().getConnection();
                HeaderClock clock = clocks.get(connection);
                if (clock != null) {
                    clock.handling();
                    Request.addCompletionListener(request, failure -> clock.answered(connection.getBytesIn()));
                }
                return super.handle(request, response, callback);
            }
        };
    }

    int totalCap() {
        return maxTotal;
    }

    synchronized int held() {
        return held;
    }

    @Override
    protected void doStart() {
        for (var connector : server.getConnectors()) {
            if (connector instanceof AbstractConnector abstractConnector) {
                abstractConnector.addBean(this); // as an accept listener and a listener of each connection it opens
            }
        }
        sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "connection-guard");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("Connections: at most {} in all ({} kept for new addresses), {} per client address; request headers within {} s",
                maxTotal, reserved, maxPerAddress == 0 ? "no cap" : maxPerAddress, TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos) / 1000.0);
    }

    @Override
    protected void doStop() {
        sweeper.shutdownNow();
        for (var connector : server.getConnectors()) {
            if (connector instanceof AbstractConnector abstractConnector) {
                abstractConnector.removeBean(this);
            }
        }
    }

    @Override
    public void onAccepting(SelectableChannel channel) {
        Object address = addressKey(channel);
        String refusal;
        synchronized (this) {
            int fromAddress = heldBy.getOrDefault(address, 0);
            if (held >= maxTotal || (held >= maxTotal - reserved && fromAddress > 0)) {
                refusal = "total";
            } else if (maxPerAddress > 0 && fromAddress >= maxPerAddress) {
                refusal = "per_address";
            } else {
                held++;
                heldBy.put(address, fromAddress + 1);
                addressOf.put(channel, address);
                return;
            }
        }
        (refusal.equals("total") ? refusedTotal : refusedPerAddress).incrementAndGet();
        refuse(channel, refusal.equals("total") ? "The server has too many connections open; retry in a moment"
                : "Too many connections from your address; close some, or retry in a moment");
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        release(channel);
    }

    @Override
    public void onAccepted(SelectableChannel channel) {
        // counted in onAccepting already
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        release(channel);
    }

    @Override
    public void onOpened(Connection connection) {
        clocks.put(connection, new HeaderClock(System.nanoTime()));
    }

    @Override
    public void onClosed(Connection connection) {
        clocks.remove(connection);
    }

    private void release(SelectableChannel channel) {
        Object address = addressOf.remove(channel);
        if (address != null) {
            synchronized (this) {
                held--;
                heldBy.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
            }
        }
    }

    /** Closes the connections whose request headers are overdue, and logs what the guard did lately. */
    private void sweep() {
        try {
            long now = System.nanoTime();
            for (Map.Entry<Connection, HeaderClock> entry : clocks.entrySet()) {
                Connection connection = entry.getKey();
                if (entry.getValue().overdue(now, connection.getBytesIn(), headerTimeoutNanos)) {
                    headerTimeouts.incrementAndGet();
                    connection.getEndPoint().close(new TimeoutException("request headers took longer than the header timeout"));
                }
            }
            logLately(now);
        } catch (RuntimeException e) {
            LOG.warn("The connection guard's sweep failed", e);
        }
    }

    private void logLately(long now) {
        long[] counts = {headerTimeouts.get(), refusedPerAddress.get(), refusedTotal.get()};
        if (Arrays.equals(counts, logged) || now - lastLog < LOG_EVERY_NANOS) {
            return;
        }
        LOG.warn("Since the last report: {} connections closed because their request headers took over {} s, {} refused over the "
                        + "per-address cap ({}), {} refused over the total cap ({}); {} open", counts[0] - logged[0],
                TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos) / 1000.0, counts[1] - logged[1], maxPerAddress, counts[2] - logged[2],
                maxTotal, held());
        logged = counts;
        lastLog = now;
    }

    /**
     * Answers 503 without reading the request (allowed: a server may answer before the request is complete) and
     * closes. A client that has already sent its request may see a reset instead of the answer.
     */
    private static void refuse(SelectableChannel channel, String detail) {
        byte[] body = ("{\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: "
                + Problem.RETRY_AFTER_SECONDS + "\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (SocketChannel socket = (SocketChannel) channel) {
            socket.configureBlocking(false);
            socket.write(new ByteBuffer[]{ByteBuffer.wrap(head), ByteBuffer.wrap(body)});
            socket.shutdownOutput();
            socket.read(ByteBuffer.allocate(8192)); // what already arrived: unread, it would turn the close into a reset
        } catch (IOException | RuntimeException e) {
            // the client is gone already; the close is all that matters
        }
    }

    /** The client's address; an IPv6 address counts by its /64, which one client usually holds whole. */
    private static Object addressKey(SelectableChannel channel) {
        try {
            InetAddress address = ((InetSocketAddress) ((SocketChannel) channel).getRemoteAddress()).getAddress();
            if (address instanceof Inet6Address) {
                return new AddressKey(Arrays.copyOf(address.getAddress(), 8));
            }
            return new AddressKey(address.getAddress());
        } catch (IOException | RuntimeException e) {
            return new AddressKey(new byte[0]);
        }
    }

    private record AddressKey(byte[] bytes) {
        @Override
        public boolean equals(Object other) {
            return other instanceof AddressKey key && Arrays.equals(bytes, key.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /** Where one connection stands: receiving request headers (since when), handling a request, or idle between two. */
    private static final class HeaderClock {
        private enum State { HEADERS, HANDLING, KEPT_ALIVE }

        private State state = State.HEADERS;
        private long since;
        private long bytesWhenAnswered;

        HeaderClock(long opened) {
            since = opened;
        }

        synchronized void handling() {
            state = State.HANDLING;
        }

        synchronized void answered(long bytesIn) {
            state = State.KEPT_ALIVE;
            bytesWhenAnswered = bytesIn;
        }

        /** Whether the headers are overdue; on a kept-alive connection, the first new byte starts the clock. */
        synchronized boolean overdue(long now, long bytesIn, long timeoutNanos) {
            if (state == State.KEPT_ALIVE && bytesIn > bytesWhenAnswered) {
                state = State.HEADERS;
                since = now;
            }
            return state == State.HEADERS && now - since > timeoutNanos;
        }
    }
}

package dev.imageclassifier.serve;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.Graceful;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The graceful stop: stop accepting, answer 503 to new requests on open connections, and give the requests in flight
 * the shutdown grace to finish. Those still in flight when it runs out are answered 503 + Retry-After rather than
 * dropped with their connection: bodies still on their way ({@link UploadReceiver#cutOff()}) and requests waiting
 * for the model (their wait is cancelled, see {@link #await}). They are counted: a drain that cut any off is not
 * clean, and {@code serve} exits 1.
 */
final class ShutdownDrain {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class); // the server's log

    /** How long the requests cut off have for their 503 to be written before Jetty closes the connections. */
    private static final Duration ANSWER_TIME = Duration.ofSeconds(2);

    private final GracefulHandler graceful;
    private final UploadReceiver receiver;
    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean cutOff;
    private volatile Server jetty;

    ShutdownDrain(GracefulHandler graceful, UploadReceiver receiver) {
        this.graceful = graceful;
        this.receiver = receiver;
    }

    /** The server to drain, once Javalin has made it. */
    void attach(Server server) {
        this.jetty = server;
    }

    Server server() {
        return jetty;
    }

    /**
     * The result of {@code future}, waiting until the deadline at most (then {@link TimeoutException}); a wait still
     * going on when the grace runs out ends with {@link java.util.concurrent.CancellationException} (a 503).
     */
    <T> T await(CompletableFuture<T> future, long deadline) throws Exception {
        waiting.add(future);
        try {
            if (cutOff) {
                future.cancel(false);
            }
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            waiting.remove(future);
        }
    }

    /** Whether the grace has run out and the requests still in flight are being answered 503. */
    boolean isCutOff() {
        return cutOff;
    }

    /**
     * Drains the server; returns how many requests were still in flight when the grace ran out (0: a clean drain).
     * Jetty's own stop then has nothing left to wait for.
     */
    long drain(Duration grace) {
        Server server = jetty;
        if (server == null) {
            return 0;
        }
        for (org.eclipse.jetty.server.Connector connector : server.getConnectors()) {
            if (connector instanceof org.eclipse.jetty.server.AbstractConnector open) {
                // On shutdown Jetty lowers the connections' idle timeout (to 1 s): a body pausing would fail before the grace.
                open.setShutdownIdleTimeout(Math.max(open.getIdleTimeout(), grace.plus(ANSWER_TIME).toMillis()));
            }
        }
        Graceful.shutdown(server); // the connectors stop accepting; GracefulHandler answers new requests 503
        CompletableFuture<Void> finished = graceful.shutdown(); // the same future as Graceful.shutdown's
        long cut = within(finished, grace) ? 0 : cutOff(finished, grace);
        server.setStopTimeout(0); // Jetty's stop would wait for the drain again
        return cut;
    }

    private long cutOff(CompletableFuture<Void> finished, Duration grace) {
        cutOff = true;
        long inFlight = graceful.getCurrentRequestCount();
        int uploads = receiver.cutOff();
        int waits = 0;
        for (CompletableFuture<?> wait : waiting) {
            waits += wait.cancel(false) ? 1 : 0;
        }
        LOG.warn("{} requests still in flight after the {} s shutdown grace: answering them 503 ({} uploads on their way, "
                + "{} waiting for the model)", inFlight, grace.toSeconds(), uploads, waits);
        if (!within(finished, ANSWER_TIME)) {
            LOG.warn("{} requests could not be answered in time: their connections are closed", graceful.getCurrentRequestCount());
        }
        return Math.max(inFlight, 1);
    }

    private static boolean within(CompletableFuture<Void> future, Duration time) {
        try {
            future.get(time.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }
}

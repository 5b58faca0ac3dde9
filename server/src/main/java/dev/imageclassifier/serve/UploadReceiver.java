package dev.imageclassifier.serve;

import dev.imageclassifier.serve.ServeSettings.ReceiveLimits;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Receives request bodies before the routes see them, without holding a thread while the bytes arrive.
 * Javalin reads bodies with blocking servlet reads, so every upload on its way parks one of Jetty's ~250
 * threads: 260 clients sending a byte a second, or headers and then nothing, starved {@code /health} for
 * everyone. Here a body is read asynchronously into memory and the request goes on to the routes once it is
 * whole, so a thread only ever works on a request that can be answered now.
 * <ul>
 *   <li>a body slower than the minimum rate (averaged since the request began, checked once the grace period
 *   has passed), one that never starts, or one from which nothing more arrives for the grace period (or
 *   Jetty's idle timeout, whichever comes first), gets 408 and its connection is closed;</li>
 *   <li>a body over the size limit gets 413, after up to four times the limit has been read and thrown away,
 *   so that a client still sending sees the answer rather than a reset (one that sent
 *   {@code Expect: 100-continue} is answered at once);</li>
 *   <li>bodies on their way share a memory budget, charged as their bytes arrive (a silent client costs
 *   almost nothing); one that would overdraw it gets 503 + Retry-After, its memory given back at once and the
 *   rest of it thrown away as it arrives, for the same reason.</li>
 * </ul>
 * Every refusal is logged, with the client's address. At the end of the shutdown grace, bodies still on their
 * way get 503 ({@link #cutOff()}).
 * <p>
 * Jetty's {@code EagerContentHandler} also reads ahead, but it pins one network buffer per chunk (a client
 * sending one byte at a time pins a buffer per byte) and enforces no rate; hence this class.
 */
final class UploadReceiver extends Handler.Wrapper {

    static final Logger LOG = LoggerFactory.getLogger(UploadReceiver.class);

    /** Oversized bodies are read and thrown away up to this many times the limit, then the connection is dropped. */
    static final int DRAIN_LIMIT_FACTOR = 4;
    /** What an upload on its way costs beyond its bytes (its connection's buffers and this object). */
    static final int BASE_CHARGE = 16 * 1024;
    static final int FIRST_BUFFER = 4 * 1024;
    /** Bytes after which a body with a Content-Length gets its whole buffer (see {@link BodyReception}). */
    static final int WHOLE_BODY_AFTER = 64 * 1024;
    static final long CHECK_PERIOD_MS = 1000;

    final long maxBodyBytes;
    final ReceiveLimits limits;
    final Consumer<String> onRefused;
    final MemoryBudget memory;
    final Set<BodyReception> receiving = ConcurrentHashMap.newKeySet();

    /** @param onRefused told the reason ({@code slow}, {@code too_large}, {@code busy}, {@code shutdown}) of each refused body */
    UploadReceiver(long maxBodyBytes, ReceiveLimits limits, Consumer<String> onRefused) {
        this.maxBodyBytes = maxBodyBytes;
        this.limits = limits;
        this.onRefused = onRefused;
        this.memory = new MemoryBudget(limits.memoryBudget());
    }

    /** Answers 503 to every body still on its way (the shutdown grace is over); returns how many. */
    int cutOff() {
        int answered = 0;
        for (BodyReception reception : receiving) {
            if (reception.refuse(UploadRefusal.shuttingDown())) {
                answered++;
            }
        }
        return answered;
    }

    /** Bytes held by bodies on their way right now. */
    long memoryInUse() {
        return memory.inUse();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long length = request.getLength();
        if (length == 0 || length < 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            return super.handle(request, response, callback);
        }
        new BodyReception(this, request, response, callback).start(length);
        return true;
    }

    /** Runs the routes on a request whose body has arrived whole. */
    boolean handleReceived(Request request, Response response, Callback callback) throws Exception {
        return super.handle(request, response, callback);
    }
}

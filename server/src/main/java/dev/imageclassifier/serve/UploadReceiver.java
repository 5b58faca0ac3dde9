package dev.imageclassifier.serve;

import dev.imageclassifier.serve.ServeSettings.ReceiveLimits;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Receives request bodies before the routes see them, without holding a thread while the bytes arrive.
 * Javalin reads bodies with blocking servlet reads, so every upload on its way parks one of Jetty's ~250
 * threads: 260 clients sending a byte a second, or headers and then nothing, starved {@code /health} for
 * everyone. Here a body is read asynchronously into memory and the request goes on to the routes once it is
 * whole, so a thread only ever works on a request that can be answered now.
 * <ul>
 *   <li>a body slower than the minimum rate (averaged since the request began, checked once the grace period
 *   has passed), or one that never starts, gets 408 and its connection is closed;</li>
 *   <li>a body over the size limit gets 413, after up to four times the limit has been read and thrown away,
 *   so that a client still sending sees the answer rather than a reset (one that sent
 *   {@code Expect: 100-continue} is answered at once);</li>
 *   <li>bodies on their way share a memory budget, charged as their bytes arrive (a silent client costs
 *   almost nothing); one that would overdraw it gets 503 + Retry-After, its memory given back at once and the
 *   rest of it thrown away as it arrives, for the same reason.</li>
 * </ul>
 * Jetty's {@code EagerContentHandler} also reads ahead, but it pins one network buffer per chunk (a client
 * sending one byte at a time pins a buffer per byte) and enforces no rate; hence this class.
 */
final class UploadReceiver extends Handler.Wrapper {

    /** Oversized bodies are read and thrown away up to this many times the limit, then the connection is dropped. */
    private static final int DRAIN_LIMIT_FACTOR = 4;
    /** What an upload on its way costs beyond its bytes (its connection's buffers and this object). */
    private static final int BASE_CHARGE = 16 * 1024;
    private static final int FIRST_BUFFER = 4 * 1024;
    private static final long CHECK_PERIOD_MS = 1000;

    private final long maxBodyBytes;
    private final ReceiveLimits limits;
    private final Consumer<String> onRefused;
    private final MemoryBudget memory;

    /** @param onRefused told the reason ({@code slow}, {@code too_large}, {@code busy}) of each refused body */
    UploadReceiver(long maxBodyBytes, ReceiveLimits limits, Consumer<String> onRefused) {
        this.maxBodyBytes = maxBodyBytes;
        this.limits = limits;
        this.onRefused = onRefused;
        this.memory = new MemoryBudget(limits.memoryBudget());
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
        new Reception(request, response, callback).start(length);
        return true;
    }

    /** What one chunk did to a reception. */
    private enum Step { MORE, COMPLETE, REFUSED, FAILED, STOPPED }

    /** A refusal: the status and the detail the client gets. */
    private record Refusal(int status, String reason, String detail) {
    }

    /**
     * One body being received. Reads run one at a time (Jetty serializes demand callbacks) and never block, so Jetty
     * runs them on its selector thread instead of handing each arriving byte to a pool thread; the rate check runs
     * beside them on the scheduler.
     */
    private final class Reception implements Runnable, Invocable {

        private final Request request;
        private final Response response;
        private final Callback callback;
        private final long startNanos = System.nanoTime();
        private byte[] body = new byte[0];
        private int size;
        private long bytesSeen;
        private long charged;
        private long declaredTooLarge = -1;
        /** Set while the rest of the body is read and thrown away: the answer once it is (or past the drain limit). */
        private Refusal afterDraining;
        private boolean done;
        private Refusal refusal;
        private Throwable failure;
        private Scheduler.Task check;

        Reception(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        void start(long length) {
            if (length > maxBodyBytes) {
                declaredTooLarge = length;
                if (request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString())) {
                    refuse(tooLarge()); // the client waits for a go-ahead before sending the body: it never comes
                    return;
                }
                afterDraining = tooLarge();
            } else if (!charge(BASE_CHARGE)) {
                refuse(busy());
                return;
            }
            Request.addCompletionListener(request, ended -> release());
            scheduleCheck(limits.grace().toMillis());
            read(true);
        }

        /** Jetty's call when more of the body has arrived, perhaps on its selector thread. */
        @Override
        public void run() {
            read(false);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        /** Reads what has arrived; {@code onPoolThread} when the caller may go on to run the routes itself. */
        private void read(boolean onPoolThread) {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                Step step;
                try {
                    step = take(chunk);
                } finally {
                    chunk.release();
                }
                switch (step) {
                    case MORE -> {
                        continue;
                    }
                    case COMPLETE -> {
                        if (onPoolThread) {
                            handOn();
                        } else {
                            request.getContext().execute(this::handOn); // the routes block: not on the selector
                        }
                    }
                    case REFUSED -> answer(refusal);
                    case FAILED -> {
                        // The exchange must still be completed: Jetty counts it in flight (and keeps it) until then.
                        cancelCheck();
                        release();
                        callback.failed(failure);
                    }
                    case STOPPED -> {
                    }
                }
                return;
            }
        }

        /** Keeps or discards one chunk. */
        private synchronized Step take(Content.Chunk chunk) {
            if (done) {
                return Step.STOPPED;
            }
            if (Content.Chunk.isFailure(chunk)) {
                done = true; // the client went away, or Jetty gave up on the connection: nobody to answer
                failure = chunk.getFailure();
                return Step.FAILED;
            }
            int length = chunk.remaining();
            bytesSeen += length;
            if (afterDraining == null && size + (long) length > maxBodyBytes) {
                afterDraining = tooLarge(); // a chunked body grew past the limit
            }
            if (afterDraining == null && !append(chunk.getByteBuffer(), length)) {
                afterDraining = busy(); // answered once the body is through: a client still sending would get a reset
                release();
            }
            if (afterDraining != null) {
                return chunk.isLast() || bytesSeen > DRAIN_LIMIT_FACTOR * maxBodyBytes ? stop(afterDraining) : Step.MORE;
            }
            if (chunk.isLast()) {
                done = true;
                return Step.COMPLETE;
            }
            return Step.MORE;
        }

        private boolean append(ByteBuffer bytes, int length) {
            if (size + length > body.length) {
                int capacity = (int) Math.min(maxBodyBytes, Math.max(size + length, Math.max(FIRST_BUFFER, 2L * body.length)));
                if (!charge(capacity - body.length)) {
                    return false;
                }
                body = java.util.Arrays.copyOf(body, capacity);
            }
            bytes.get(body, size, length);
            size += length;
            return true;
        }

        /** Marks the reception finished with a refusal, to be answered by whoever called this. */
        private Step stop(Refusal why) {
            done = true;
            refusal = why;
            return Step.REFUSED;
        }

        /** The rate check: at least minBytesPerSecond on average since the request began, once the grace has passed. */
        private void checkRate() {
            Refusal slow;
            synchronized (this) {
                if (done) {
                    return;
                }
                double seconds = (System.nanoTime() - startNanos) / 1e9;
                if (bytesSeen > 0 && bytesSeen >= limits.minBytesPerSecond() * seconds) {
                    scheduleCheck(CHECK_PERIOD_MS);
                    return;
                }
                slow = tooSlow(seconds);
                stop(slow);
            }
            answer(slow);
        }

        private void scheduleCheck(long delayMs) {
            check = request.getComponents().getScheduler().schedule(this::checkRate, delayMs, TimeUnit.MILLISECONDS);
        }

        /** The body is whole: the routes read it from memory. */
        private void handOn() {
            cancelCheck();
            Request received = new ReceivedBody(request, ByteBuffer.wrap(body, 0, size));
            try {
                if (!UploadReceiver.super.handle(received, response, callback)) {
                    Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                }
            } catch (Throwable e) {
                Response.writeError(request, response, callback, e);
            }
        }

        private void refuse(Refusal why) {
            synchronized (this) {
                stop(why);
            }
            answer(why);
        }

        /** Answers a refusal and closes the connection: what is left of the body is not worth reading. */
        private void answer(Refusal why) {
            cancelCheck();
            release();
            onRefused.accept(why.reason());
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            JsonErrorHandler.write(response, why.status(), why.detail(), callback);
        }

        private synchronized void cancelCheck() {
            if (check != null) {
                check.cancel();
            }
        }

        private boolean charge(long bytes) {
            if (!memory.take(bytes)) {
                return false;
            }
            synchronized (this) {
                charged += bytes;
            }
            return true;
        }

        private synchronized void release() {
            memory.giveBack(charged);
            charged = 0;
            body = null;
        }

        private Refusal tooLarge() {
            return new Refusal(HttpStatus.PAYLOAD_TOO_LARGE_413, "too_large", Uploads.tooLargeDetail(declaredTooLarge, maxBodyBytes));
        }

        private Refusal busy() {
            return new Refusal(HttpStatus.SERVICE_UNAVAILABLE_503, "busy",
                    "The server is receiving too many uploads at once; try again later");
        }

        private Refusal tooSlow(double seconds) {
            String detail = bytesSeen == 0
                    ? String.format(Locale.ROOT, "Request body timeout: nothing of the body arrived in %.0f s", seconds)
                    : String.format(Locale.ROOT, "Request body too slow: %d bytes in %.0f s; uploads must arrive at %.1f KiB/s or faster",
                    bytesSeen, seconds, limits.minBytesPerSecond() / 1024.0);
            return new Refusal(HttpStatus.REQUEST_TIMEOUT_408, "slow", detail);
        }
    }
}

package dev.imageclassifier.serve;

import dev.imageclassifier.serve.ServeSettings.ReceiveLimits;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One body being received by {@link UploadReceiver}. Reads run one at a time (Jetty serializes demand callbacks) and never block, so Jetty
 * runs them on its selector thread instead of handing each arriving byte to a pool thread; the rate check runs
 * beside them on the scheduler.
 */
final class BodyReception implements Runnable, Invocable {

    /** What one chunk did to a reception. */
    private enum Step { MORE, COMPLETE, REFUSED, FAILED, STOPPED }

    private final UploadReceiver owner;
    private final long maxBodyBytes;
    private final ReceiveLimits limits;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final long startNanos = System.nanoTime();
    private byte[] body = new byte[0];
    private int size;
    /** The Content-Length, or -1 when the body is chunked. */
    private long declaredLength = -1;
    private long bytesSeen;
    private long lastArrivalNanos = startNanos;
    private long charged;
    private long declaredTooLarge = -1;
    /** Set while the rest of the body is read and thrown away: the answer once it is (or past the drain limit). */
    private UploadRefusal afterDraining;
    private boolean done;
    private UploadRefusal refusal;
    private Throwable failure;
    private Scheduler.Task check;

    BodyReception(UploadReceiver owner, Request request, Response response, Callback callback) {
        this.owner = owner;
        this.maxBodyBytes = owner.maxBodyBytes;
        this.limits = owner.limits;
        this.request = request;
        this.response = response;
        this.callback = callback;
    }

    void start(long length) {
        declaredLength = length;
        if (length > maxBodyBytes) {
            declaredTooLarge = length;
            if (request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString())) {
                refuse(tooLarge()); // the client waits for a go-ahead before sending the body: it never comes
                return;
            }
            afterDraining = tooLarge();
        } else if (!charge(UploadReceiver.BASE_CHARGE)) {
            refuse(UploadRefusal.busy());
            return;
        }
        Request.addCompletionListener(request, ended -> {
            release();
            owner.receiving.remove(this);
        });
        owner.receiving.add(this);
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
                    UploadReceiver.LOG.debug("{} {} from {}: the body failed after {} bytes", request.getMethod(),
                            request.getHttpURI().getPath(), Request.getRemoteAddr(request), bytesSeen, failure);
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
            if (!chunk.isLast() && chunk.getFailure() instanceof TimeoutException) {
                // Jetty's idle timeout: the client is there but sends nothing. Answered in our words, not Jetty's 500.
                return stop(afterDraining != null ? afterDraining : stalled());
            }
            done = true; // the client went away, or Jetty gave up on the connection: nobody to answer
            failure = chunk.getFailure();
            return Step.FAILED;
        }
        int length = chunk.remaining();
        bytesSeen += length;
        if (length > 0) {
            lastArrivalNanos = System.nanoTime();
        }
        if (afterDraining == null && size + (long) length > maxBodyBytes) {
            afterDraining = tooLarge(); // a chunked body grew past the limit
        }
        if (afterDraining == null && !append(chunk.getByteBuffer(), length)) {
            afterDraining = UploadRefusal.busy(); // answered once the body is through: a client still sending would get a reset
            release();
        }
        if (afterDraining != null) {
            return chunk.isLast() || bytesSeen > UploadReceiver.DRAIN_LIMIT_FACTOR * maxBodyBytes ? stop(afterDraining) : Step.MORE;
        }
        if (chunk.isLast()) {
            done = true;
            return Step.COMPLETE;
        }
        return Step.MORE;
    }

    private boolean append(ByteBuffer bytes, int length) {
        if (size + length > body.length) {
            long capacity = nextCapacity(size + (long) length);
            if (!charge(capacity - body.length)) {
                return false;
            }
            body = java.util.Arrays.copyOf(body, (int) capacity);
        }
        bytes.get(body, size, length);
        size += length;
        return true;
    }

    /**
     * The buffer's next size: doubling from {@link UploadReceiver#FIRST_BUFFER}, so a client that sends little
     * holds little; once {@link UploadReceiver#WHOLE_BODY_AFTER} bytes have arrived, the whole declared length at
     * once, so a 2–5 MB upload is copied from the network into its final array and nowhere else (only its first
     * bytes, at most twice that threshold, are copied again while the buffer grows).
     */
    private long nextCapacity(long needed) {
        long doubled = Math.max(needed, Math.max(UploadReceiver.FIRST_BUFFER, 2L * body.length));
        if (declaredLength >= needed) {
            return needed >= UploadReceiver.WHOLE_BODY_AFTER ? declaredLength : Math.min(doubled, declaredLength);
        }
        return Math.min(maxBodyBytes, doubled);
    }

    /** Marks the reception finished with a refusal, to be answered by whoever called this. */
    private Step stop(UploadRefusal why) {
        done = true;
        refusal = why;
        return Step.REFUSED;
    }

    /**
     * The rate check, once the grace has passed: at least minBytesPerSecond on average since the request began,
     * and something within the last grace period.
     */
    private void checkRate() {
        UploadRefusal slow;
        synchronized (this) {
            if (done) {
                return;
            }
            long now = System.nanoTime();
            double seconds = (now - startNanos) / 1e9;
            if (bytesSeen > 0 && now - lastArrivalNanos >= limits.grace().toNanos()) {
                slow = stalled();
            } else if (bytesSeen > 0 && bytesSeen >= limits.minBytesPerSecond() * seconds) {
                scheduleCheck(UploadReceiver.CHECK_PERIOD_MS);
                return;
            } else {
                slow = UploadRefusal.tooSlow(bytesSeen, seconds, limits.minBytesPerSecond());
            }
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
            if (!owner.handleReceived(received, response, callback)) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            }
        } catch (Throwable e) {
            Response.writeError(request, response, callback, e);
        }
    }

    /** Answers {@code why} unless the body is already whole or answered; tells whether it did. */
    boolean refuse(UploadRefusal why) {
        synchronized (this) {
            if (done) {
                return false;
            }
            stop(why);
        }
        answer(why);
        return true;
    }

    /** Answers a refusal and closes the connection: what is left of the body is not worth reading. */
    private void answer(UploadRefusal why) {
        cancelCheck();
        release();
        owner.onRefused.accept(why.reason());
        UploadReceiver.LOG.info("{} {} from {}: {} {}", request.getMethod(), request.getHttpURI().getPath(), Request.getRemoteAddr(request),
                why.status(), why.detail());
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        JsonErrorHandler.write(response, why.status(), why.detail(), callback);
    }

    private synchronized void cancelCheck() {
        if (check != null) {
            check.cancel();
        }
    }

    private boolean charge(long bytes) {
        if (!owner.memory.take(bytes)) {
            return false;
        }
        synchronized (this) {
            charged += bytes;
        }
        return true;
    }

    private synchronized void release() {
        owner.memory.giveBack(charged);
        charged = 0;
        body = null;
    }

    private UploadRefusal tooLarge() {
        return UploadRefusal.tooLarge(declaredTooLarge, maxBodyBytes);
    }

    private synchronized UploadRefusal stalled() {
        return UploadRefusal.stalled(bytesSeen, request.getLength(), (System.nanoTime() - lastArrivalNanos) / 1e9);
    }
}

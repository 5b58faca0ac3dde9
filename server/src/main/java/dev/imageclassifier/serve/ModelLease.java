package dev.imageclassifier.serve;

import dev.imageclassifier.ImageClassifier;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request's hold on one served model version: the model stays open until the lease is closed, even when a newer
 * file is swapped in meanwhile. Use it in try-with-resources:
 *
 * <pre>{@code
 * try (ModelLease lease = registry.acquire("flowers", null)) {
 *     Prediction p = lease.classifier().classify(bytes);
 *     ctx.header(ModelLease.VERSION_HEADER, lease.version());
 * }
 * }</pre>
 *
 * Closing it twice is harmless.
 */
public final class ModelLease implements AutoCloseable {

    /** The response header naming the model that answered. */
    public static final String NAME_HEADER = "X-Model-Name";
    /** The response header naming the version that answered. */
    public static final String VERSION_HEADER = "X-Model-Version";

    private final ServedVersion served;
    private final AtomicBoolean closed = new AtomicBoolean();

    ModelLease(ServedVersion served) {
        this.served = served;
    }

    public ImageClassifier classifier() {
        return served.classifier();
    }

    public String name() {
        return served.name();
    }

    public String version() {
        return served.version();
    }

    /** The version held, with its file, digest and load time. */
    public ServedVersion served() {
        return served;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            served.release();
        }
    }
}

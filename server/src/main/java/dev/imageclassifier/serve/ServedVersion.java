package dev.imageclassifier.serve;

import dev.imageclassifier.ImageClassifier;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded, warmed-up classifier file, shared by the requests that use it. Its references are counted: the
 * registry holds one while it serves, each request one while it runs ({@link ModelLease}); when a newer file is
 * swapped in the registry lets go of its own ({@link #retire()}), and the last request to finish closes the model.
 * A request can therefore never see a model closed under it, and an old model is freed as soon as it is idle.
 *
 * @see ModelRegistry
 */
public final class ServedVersion {

    private final String name;
    private final String version;
    private final Path source;
    private final String sha256;
    private final ImageClassifier classifier;
    private final Instant loadedAt;
    private final long memoryBytes;
    private final Runnable onClose;
    private final AtomicInteger references = new AtomicInteger(1); // the registry's own
    private final AtomicBoolean retired = new AtomicBoolean();

    ServedVersion(String name, String version, Path source, String sha256, ImageClassifier classifier, long memoryBytes,
                  Runnable onClose) {
        this.name = name;
        this.version = version;
        this.source = source;
        this.sha256 = sha256;
        this.classifier = classifier;
        this.loadedAt = Instant.now();
        this.memoryBytes = memoryBytes;
        this.onClose = onClose;
    }

    /** The model's name (the routes' {@code {name}}). */
    public String name() {
        return name;
    }

    /** The version that answers: the repository's version folder, or the first 12 hex digits of the file's SHA-256. */
    public String version() {
        return version;
    }

    /** The file it was loaded from (as configured: the server loads a private copy of it). */
    public Path source() {
        return source;
    }

    /** SHA-256 of the file's bytes as loaded. */
    public String sha256() {
        return sha256;
    }

    /** The classifier: valid while a reference is held. */
    public ImageClassifier classifier() {
        return classifier;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    /** Resident memory the process grew by while this model loaded and warmed up (an estimate of its own cost). */
    public long memoryBytes() {
        return memoryBytes;
    }

    /** Takes a reference unless the model is already closed (or closing): then false and nothing is taken. */
    boolean tryAcquire() {
        while (true) {
            int held = references.get();
            if (held == 0) {
                return false;
            }
            if (references.compareAndSet(held, held + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one closes the model. */
    void release() {
        if (references.decrementAndGet() == 0) {
            try {
                classifier.close();
            } finally {
                onClose.run();
            }
        }
    }

    /** The registry lets go of it (it was replaced or the server stops): closed once the requests using it are done. */
    void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    /** Whether it has been closed (every reference given back after its retirement). */
    boolean isClosed() {
        return references.get() == 0;
    }

    @Override
    public String toString() {
        return name + " version " + version;
    }
}

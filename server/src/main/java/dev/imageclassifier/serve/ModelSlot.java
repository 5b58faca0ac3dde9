package dev.imageclassifier.serve;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

/**
 * One served classifier file and the version loaded from it. A reload loads the file beside the version serving
 * now and swaps it in with one write; the old version is retired and closes when its last request is done. A load
 * that fails changes nothing but the failure shown in the status.
 */
final class ModelSlot {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    /** What a reload did. */
    enum Reload { LOADED, UNCHANGED, FAILED }

    /** A file's identity and state as {@code stat} tells them: a replaced or rewritten file differs. */
    record FileStamp(Object key, long size, long modified) {
        static FileStamp of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(a.fileKey(), a.size(), a.lastModifiedTime().toMillis());
            } catch (IOException e) {
                return null;
            }
        }
    }

    /** The last failed load: shown to clients in words, without server paths. */
    record Failure(String detail, Instant at) {
    }

    private final String name;
    private final String version;
    private final Path source;
    private volatile ServedVersion current;
    private volatile Failure failure;
    private volatile boolean attemptedOnce;
    private volatile FileStamp attempted;
    private volatile FileStamp seenLastPoll;

    /** @param version the fixed version (a repository's folder), or null: then each load is named after its digest */
    ModelSlot(String name, String version, Path source) {
        this.name = name;
        this.version = version;
        this.source = source;
    }

    String name() {
        return name;
    }

    /** The version serving now, or the fixed version, or null when nothing is loaded from a plain file. */
    String version() {
        ServedVersion served = current;
        return served != null ? served.version() : version;
    }

    Path source() {
        return source;
    }

    ServedVersion current() {
        return current;
    }

    Failure failure() {
        return failure;
    }

    /** True until the first load has been tried. */
    boolean loading() {
        return !attemptedOnce;
    }

    /** A lease on the version serving now, or null when none is. */
    ModelLease lease() {
        while (true) {
            ServedVersion served = current;
            if (served == null) {
                return null;
            }
            if (served.tryAcquire()) {
                return new ModelLease(served);
            }
            if (current == served) {
                return null; // closed while still current: only when the registry is closing
            }
        }
    }

    /** Loads the file again; swaps the new version in when it loads, keeps the old one when it does not. */
    synchronized Reload reload(ModelLoader loader) {
        FileStamp stamp = FileStamp.of(source);
        ServedVersion old = current;
        ModelLoader.Outcome outcome = loader.load(name, version, source, old == null ? null : old.sha256());
        attempted = stamp;
        attemptedOnce = true;
        if (outcome == null) {
            failure = null;
            return Reload.UNCHANGED;
        }
        if (outcome instanceof ModelLoader.Outcome.Failed failed) {
            failure = new Failure(failed.reason(), Instant.now());
            if (old != null) {
                LOG.warn("Model {} keeps serving version {}: the new file could not be loaded", name, old.version());
            }
            return Reload.FAILED;
        }
        current = ((ModelLoader.Outcome.Loaded) outcome).version();
        failure = null;
        if (old != null) {
            LOG.info("Model {}: version {} swapped in for {}; the old one closes after its requests in flight", name,
                    current.version(), old.version());
            old.retire();
        }
        return Reload.LOADED;
    }

    /**
     * Called at each poll: true when the file differs from the one last loaded (or tried) and has not changed since
     * the previous poll, so that a file still being copied is left until it is quiet.
     */
    boolean changedAndSettled() {
        FileStamp now = FileStamp.of(source);
        FileStamp previous = seenLastPoll;
        seenLastPoll = now;
        return now != null && !now.equals(attempted) && now.equals(previous);
    }

    /** Lets go of the version serving now: it closes once its requests are done. */
    synchronized void close() {
        ServedVersion served = current;
        current = null;
        if (served != null) {
            served.retire();
        }
    }
}

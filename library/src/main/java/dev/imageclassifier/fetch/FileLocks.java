package dev.imageclassifier.fetch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.time.Duration;

/** Exclusive locks on files that several processes (or threads of one) may want at once. */
public final class FileLocks {

    private static final Duration POLL = Duration.ofMillis(200);

    private FileLocks() {
    }

    /** The lock, or null while another process or another channel of this process holds it. */
    public static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) { // held through another channel in this JVM
            return null;
        }
    }

    /**
     * Waits for the lock; when it is taken, first runs {@code beforeWaiting} (to tell the user, so a second
     * process does not sit silent). Polls rather than blocking in {@link FileChannel#lock}, which throws
     * instead of waiting when the holder is another channel in this JVM.
     */
    public static FileLock lock(FileChannel channel, Runnable beforeWaiting) throws IOException {
        FileLock lock = tryLock(channel);
        if (lock != null) {
            return lock;
        }
        beforeWaiting.run();
        while ((lock = tryLock(channel)) == null) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for another process to release its lock", e);
            }
        }
        return lock;
    }
}

package dev.imageclassifier.serve;

import java.util.concurrent.atomic.AtomicLong;

/** Bytes shared by request bodies on their way: taken as bytes arrive, given back when the request is done. */
final class MemoryBudget {

    private final long capacity;
    private final AtomicLong inUse = new AtomicLong();

    MemoryBudget(long capacity) {
        this.capacity = capacity;
    }

    /** Takes {@code bytes} if they fit; false (and nothing taken) if they do not. */
    boolean take(long bytes) {
        while (true) {
            long used = inUse.get();
            if (used + bytes > capacity) {
                return false;
            }
            if (inUse.compareAndSet(used, used + bytes)) {
                return true;
            }
        }
    }

    void giveBack(long bytes) {
        inUse.addAndGet(-bytes);
    }

    long inUse() {
        return inUse.get();
    }
}

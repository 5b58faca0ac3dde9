package dev.imageclassifier.serve;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Gives freed native memory back to the system: glibc's {@code malloc_trim(0)}, through JNA. ONNX Runtime frees a
 * closed model's memory with {@code free}, but glibc keeps most of it in its heaps (its mmap threshold rises as large
 * blocks are freed, so the next ones come from the heap), and the process's resident memory would stay at its peak
 * after every swap. Called when a model version closes, and before one loads so that the resident memory it adds
 * can be measured. Does nothing where there is no glibc (musl, macOS): there the memory is simply not trimmed.
 */
final class NativeMemory {

    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);

    /** The C library's one function used here; {@code size_t} is a native long on the 64-bit Linux targets. */
    private interface CLibrary extends Library {
        int malloc_trim(NativeLong pad);
    }

    private static final CLibrary LIBC = load();
    /** Trims run here, not on the request thread whose release closed a model. */
    private static final ExecutorService TRIMMER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "malloc-trim");
        thread.setDaemon(true);
        return thread;
    });

    private NativeMemory() {
    }

    /** Trims now (a few milliseconds); false when there is nothing to call. */
    static boolean trim() {
        if (LIBC == null) {
            return false;
        }
        try {
            LIBC.malloc_trim(new NativeLong(0));
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Trims on a background thread. */
    static void trimSoon() {
        if (LIBC != null) {
            TRIMMER.execute(NativeMemory::trim);
        }
    }

    private static CLibrary load() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return null;
        }
        try {
            CLibrary libc = Native.load("c", CLibrary.class);
            libc.malloc_trim(new NativeLong(0)); // fails here, once, where the C library has no malloc_trim (musl)
            return libc;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("No malloc_trim in this C library: freed native memory stays with the allocator", e);
            return null;
        }
    }
}

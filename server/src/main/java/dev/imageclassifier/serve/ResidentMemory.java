package dev.imageclassifier.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory, from Linux's {@code /proc/self/statm}: ONNX Runtime's sessions live outside the
 * Java heap, so the JVM's own meters do not see them. 0 where the file does not exist.
 */
final class ResidentMemory {

    private static final Path STATM = Path.of("/proc/self/statm");
    private static final long PAGE = 4096;

    private ResidentMemory() {
    }

    static long bytes() {
        try {
            String[] fields = Files.readString(STATM).trim().split("\\s+");
            return Long.parseLong(fields[1]) * PAGE;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}

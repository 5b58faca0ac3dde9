package dev.imageclassifier.fetch;

import java.io.IOException;

/**
 * An archive that {@link SafeExtractor} refuses to unpack: an entry that would land outside the target
 * folder, a link pointing outside it, an unsupported entry type, a size or entry count over the limits,
 * or bytes that are not a readable archive at all.
 */
public final class ArchiveRejectedException extends IOException {

    public ArchiveRejectedException(String message) {
        super(message);
    }

    public ArchiveRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}

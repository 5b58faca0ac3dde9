package dev.imageclassifier.fetch;

/**
 * Caps on what one {@link SafeExtractor} may unpack, so a hostile or broken archive cannot fill the disk
 * (a zip bomb) or the file system's inode table.
 *
 * @param maxBytes   total bytes written, across all archives the extractor unpacks
 * @param maxEntries total entries (files, folders, links), across all archives
 */
public record ExtractionLimits(long maxBytes, long maxEntries) {

    /** 2 GiB and 100,000 entries; Caltech-101 with its annotations is a few hundred MB in under 20,000 entries. */
    public static final ExtractionLimits DEFAULT = new ExtractionLimits(2L << 30, 100_000);

    public ExtractionLimits {
        if (maxBytes <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("extraction limits must be positive, got " + maxBytes + " bytes, " + maxEntries + " entries");
        }
    }
}

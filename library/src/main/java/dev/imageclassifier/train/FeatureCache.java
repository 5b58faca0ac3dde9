package dev.imageclassifier.train;

import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Sha256;
import dev.imageclassifier.vision.Preprocessing;
import dev.imageclassifier.vision.View;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Backbone features on disk, one small file per (image content, view), under a folder named by the
 * backbone's SHA-256 and the preprocessing: {@code <root>/<backbone>/<preprocessing>/<ab>/<sha>.<view>.f32}.
 * The backbone is frozen, so a feature never goes stale; a second {@code train} with other head
 * settings reads them back instead of running the backbone again.
 * <p>
 * Each entry is {@code "FEA2"}, the dimension, the CRC32C of the floats, then the floats (little-endian).
 * A damaged entry (a flipped bit, an overwritten value, a cut-off file) fails its checksum and is computed
 * again with a warning, instead of silently training on wrong numbers.
 */
public final class FeatureCache {

    private static final Logger LOG = LoggerFactory.getLogger(FeatureCache.class);
    private static final int MAGIC = 0x46454132; // "FEA2"
    /** Entries written before checksums ("FEAT"): read as absent and written again, without a warning. */
    private static final int MAGIC_WITHOUT_CHECKSUM = 0x46454154;
    private static final int HEADER_BYTES = 12;

    private final Path dir;

    /**
     * @param featureSource where in the backbone the features are taken (a different cut is a different feature)
     */
    public FeatureCache(Path root, String backboneSha256, String featureSource, Preprocessing preprocessing) {
        this.dir = root.resolve(backboneSha256.substring(0, 16))
                .resolve(Sha256.of(featureSource + "|" + preprocessing.describe()).substring(0, 12));
    }

    /** A cache that stores nothing (for {@code --no-cache}). */
    public static FeatureCache disabled() {
        return new FeatureCache(null);
    }

    private FeatureCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The cached feature, or null when absent, unreadable or damaged (then it is simply computed again). */
    public float[] get(String imageSha256, View view) {
        if (dir == null) {
            return null;
        }
        Path file = file(imageSha256, view);
        ByteBuffer bytes;
        try {
            bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            return null; // absent (NoSuchFileException) or unreadable: computed again
        }
        if (bytes.remaining() >= 4 && bytes.getInt(0) == MAGIC_WITHOUT_CHECKSUM) {
            return null;
        }
        if (bytes.remaining() < HEADER_BYTES || bytes.getInt(0) != MAGIC) {
            return damaged(file, "not a feature cache entry");
        }
        int dim = bytes.getInt(4);
        int checksum = bytes.getInt(8);
        if (dim <= 0 || bytes.remaining() - HEADER_BYTES != (long) dim * Float.BYTES) {
            return damaged(file, "cut off or padded: " + bytes.remaining() + " bytes for " + dim + " floats");
        }
        if (checksum != crc32c(bytes.array(), HEADER_BYTES, dim * Float.BYTES)) {
            return damaged(file, "checksum mismatch");
        }
        float[] feature = new float[dim];
        bytes.position(HEADER_BYTES);
        bytes.asFloatBuffer().get(feature);
        return feature;
    }

    public void put(String imageSha256, View view, float[] feature) throws IOException {
        if (dir == null) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.allocate(HEADER_BYTES + feature.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(MAGIC).putInt(feature.length).putInt(0);
        bytes.asFloatBuffer().put(feature);
        bytes.putInt(8, crc32c(bytes.array(), HEADER_BYTES, feature.length * Float.BYTES));
        AtomicFiles.writeUnsynced(file(imageSha256, view), bytes.array());
    }

    private static float[] damaged(Path file, String why) {
        LOG.warn("Damaged feature cache entry {} ({}): computing it again", file, why);
        return null;
    }

    private static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    private Path file(String imageSha256, View view) {
        return dir.resolve(imageSha256.substring(0, 2)).resolve(imageSha256 + "." + view.key() + ".f32");
    }
}

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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * Backbone features on disk, one small file per (image content, view), under a folder named by the
 * backbone's SHA-256 and the preprocessing: {@code <root>/<backbone>/<preprocessing>/<ab>/<sha>.<view>.f32}.
 * The backbone is frozen, so a feature never goes stale; a second {@code train} with other head
 * settings reads them back instead of running the backbone again.
 * <p>
 * Each entry is {@code "FEA3"}, the dimension, the CRC32C of the rest, the SHA-256 of its key (image content
 * hash, backbone hash, feature source, preprocessing with its framing, view), then the floats (little-endian).
 * A damaged entry (a flipped bit, an overwritten value, a cut-off file) fails its checksum, and an entry
 * that is another's (one image's file copied over another's) fails its key: either is computed again with a
 * warning, instead of silently training on wrong numbers. Entries of earlier formats are read as absent.
 * Temporaries left by a process killed mid-write are deleted the first time a cache folder is used.
 */
public final class FeatureCache {

    private static final Logger LOG = LoggerFactory.getLogger(FeatureCache.class);
    private static final int MAGIC = 0x46454133; // "FEA3"
    /** Entries written before checksums ("FEAT") or keys ("FEA2"): read as absent and written again, without a warning. */
    private static final Set<Integer> OLD_MAGICS = Set.of(0x46454154, 0x46454132);
    private static final int KEY_BYTES = 32;
    private static final int HEADER_BYTES = 12 + KEY_BYTES;
    /** Cache folders already cleared of stale temporaries by this process. */
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

    private final Path dir;
    /** What every entry's key holds besides the image and the view. */
    private final String keyPrefix;

    /**
     * @param featureSource where in the backbone the features are taken (a different cut is a different feature)
     */
    public FeatureCache(Path root, String backboneSha256, String featureSource, Preprocessing preprocessing) {
        this.dir = root.resolve(backboneSha256.substring(0, 16))
                .resolve(Sha256.of(featureSource + "|" + preprocessing.describe()).substring(0, 12));
        this.keyPrefix = "backbone=" + backboneSha256 + "|source=" + featureSource + "|preprocessing=" + preprocessing.describe();
    }

    /** A cache that stores nothing (for {@code --no-cache}). */
    public static FeatureCache disabled() {
        return new FeatureCache(null);
    }

    private FeatureCache(Path dir) {
        this.dir = dir;
        this.keyPrefix = "";
    }

    public Path dir() {
        return dir;
    }

    /** The cached feature, or null when absent, unreadable or damaged (then it is simply computed again). */
    public float[] get(String imageSha256, View view) {
        if (dir == null) {
            return null;
        }
        sweepOnce();
        Path file = file(imageSha256, view);
        ByteBuffer bytes;
        try {
            bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            return null; // absent (NoSuchFileException) or unreadable: computed again
        }
        if (bytes.remaining() >= 4 && OLD_MAGICS.contains(bytes.getInt(0))) {
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
        if (checksum != crc32c(bytes.array(), 12, KEY_BYTES + dim * Float.BYTES)) {
            return damaged(file, "checksum mismatch");
        }
        if (!Arrays.equals(bytes.array(), 12, HEADER_BYTES, key(imageSha256, view), 0, KEY_BYTES)) {
            return damaged(file, "it is the entry of another image, view, backbone or preprocessing");
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
        sweepOnce();
        ByteBuffer bytes = ByteBuffer.allocate(HEADER_BYTES + feature.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(MAGIC).putInt(feature.length).putInt(0).put(key(imageSha256, view));
        bytes.asFloatBuffer().put(feature);
        bytes.putInt(8, crc32c(bytes.array(), 12, KEY_BYTES + feature.length * Float.BYTES));
        AtomicFiles.writeUnsynced(file(imageSha256, view), bytes.array());
    }

    /** The SHA-256 of everything the entry is the feature of. */
    private byte[] key(String imageSha256, View view) {
        return Sha256.newDigest().digest((keyPrefix + "|image=" + imageSha256 + "|view=" + view.key()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Deletes the temporaries of processes killed while writing an entry, once per folder and process (a
     * listing of the folder's 256 sub-folders; cheap next to the features). Failing to is not an error.
     */
    private void sweepOnce() {
        if (!SWEPT.add(dir.toAbsolutePath().normalize())) {
            return;
        }
        try {
            int removed = AtomicFiles.removeStaleTemporariesUnder(dir);
            if (removed > 0) {
                LOG.info("Removed {} temporary file(s) left in the feature cache {} by interrupted runs", removed, dir);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not clear stale temporaries in {}", dir, e);
        }
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

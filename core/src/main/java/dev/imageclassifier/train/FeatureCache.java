package dev.imageclassifier.train;

import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Sha256;
import dev.imageclassifier.vision.Preprocessing;
import dev.imageclassifier.vision.View;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Backbone features on disk, one small file per (image content, view), under a folder named by the
 * backbone's SHA-256 and the preprocessing: {@code <root>/<backbone>/<preprocessing>/<ab>/<sha>.<view>.f32}.
 * The backbone is frozen, so a feature never goes stale; a second {@code train} with other head
 * settings reads them back instead of running the backbone again.
 */
public final class FeatureCache {

    private static final int MAGIC = 0x46454154; // "FEAT"

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

    /** The cached feature, or null when absent or unreadable (then it is simply computed again). */
    public float[] get(String imageSha256, View view) {
        if (dir == null) {
            return null;
        }
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file(imageSha256, view))).order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.remaining() < 8 || bytes.getInt() != MAGIC) {
                return null;
            }
            int dim = bytes.getInt();
            if (dim <= 0 || bytes.remaining() != dim * Float.BYTES) {
                return null;
            }
            float[] feature = new float[dim];
            bytes.asFloatBuffer().get(feature);
            return feature;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    public void put(String imageSha256, View view, float[] feature) throws IOException {
        if (dir == null) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.allocate(8 + feature.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(MAGIC).putInt(feature.length);
        bytes.asFloatBuffer().put(feature);
        AtomicFiles.writeUnsynced(file(imageSha256, view), bytes.array());
    }

    private Path file(String imageSha256, View view) {
        return dir.resolve(imageSha256.substring(0, 2)).resolve(imageSha256 + "." + view.key() + ".f32");
    }
}

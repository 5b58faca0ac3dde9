package dev.imageclassifier.train;

import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.io.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Heads already trained, by what they were trained on: the SHA-256 of the training features, their labels,
 * the recipe and the seed. A head follows from those alone, so a run that trains on the same features with
 * the same settings (a second {@code Trainer} run, the framing choice's quick heads) reads its head back
 * instead of training it again: seconds instead of a minute. Any other input is another key.
 */
public final class TrainedHeads {

    private static final Logger LOG = LoggerFactory.getLogger(TrainedHeads.class);

    private final Path dir;

    /** @param dir the folder of the entries, or null to keep nothing */
    public TrainedHeads(Path dir) {
        this.dir = dir;
    }

    /** Keeps nothing. */
    public static TrainedHeads disabled() {
        return new TrainedHeads(null);
    }

    boolean enabled() {
        return dir != null;
    }

    /** The key of a training: everything the head depends on. */
    static String key(float[][][] views, int[] labels, int classes, Recipe recipe, long seed) {
        MessageDigest sha = Sha256.newDigest();
        sha.update((Json.compact(recipe) + "|" + seed + "|" + classes + "|" + views.length + "\n").getBytes(StandardCharsets.UTF_8));
        ByteBuffer ints = ByteBuffer.allocate(4 * labels.length).order(ByteOrder.LITTLE_ENDIAN);
        ints.asIntBuffer().put(labels);
        sha.update(ints);
        ByteBuffer row = ByteBuffer.allocate(0);
        for (float[][] image : views) {
            sha.update((byte) image.length);
            for (float[] view : image) {
                if (row.capacity() != 4 * view.length) {
                    row = ByteBuffer.allocate(4 * view.length).order(ByteOrder.LITTLE_ENDIAN);
                }
                row.clear();
                row.asFloatBuffer().put(view);
                sha.update(row);
            }
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    Optional<HeadTrainer.Result> get(String key) {
        Path file = file(key);
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(file.toFile(), HeadTrainer.Result.class));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring the unreadable trained head {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    void put(String key, HeadTrainer.Result result) {
        Path file = file(key);
        if (file == null) {
            return;
        }
        try {
            AtomicFiles.write(file, Json.compact(result).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("Could not keep the trained head in {}: {}", file, e.getMessage()); // trained again next time
        }
    }

    private Path file(String key) {
        return dir == null ? null : dir.resolve(key.substring(0, 2)).resolve(key + ".json");
    }
}

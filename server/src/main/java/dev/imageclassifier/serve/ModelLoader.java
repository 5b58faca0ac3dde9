package dev.imageclassifier.serve;

import dev.imageclassifier.ClassifierOptions;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.Prediction;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.io.Sha256;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads one classifier file to serve, beside whatever is serving now: copies it to a private snapshot (hashing it on
 * the way), loads the snapshot — the library checks the content digest recorded in the file and refuses a file cut
 * short or damaged — and runs one image through the whole path. The snapshot is what the model reads for its whole
 * life (the explainer opens it again on first use), so a file replaced or rewritten in place later can never mix
 * with it; it is deleted when the model closes.
 */
final class ModelLoader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);
    private static final AtomicLong SNAPSHOTS = new AtomicLong();

    /** A loaded version, or why there is none (in words for clients: no server paths). */
    sealed interface Outcome {
        record Loaded(ServedVersion version) implements Outcome {
        }

        record Failed(String reason) implements Outcome {
        }
    }

    private final ClassifierOptions options;
    private final MeterRegistry registry;
    private Path snapshots;

    ModelLoader(ClassifierOptions options, MeterRegistry registry) {
        this.options = options;
        this.registry = registry;
    }

    /**
     * Loads {@code source} as model {@code name}.
     *
     * @param version the version to call it, or null for the first 12 hex digits of its SHA-256
     * @param unchangedSha256 the SHA-256 of the version serving now, or null: a file with the same content is not loaded again
     * @return the loaded version, null when the content is unchanged, or why it failed
     */
    Outcome load(String name, String version, Path source, String unchangedSha256) {
        long start = System.nanoTime();
        Path snapshot;
        String sha256;
        try {
            snapshot = snapshotDirectory().resolve(name + "-" + SNAPSHOTS.incrementAndGet() + ".onnx");
            sha256 = copyHashing(source, snapshot);
        } catch (IOException e) {
            LOG.error("Cannot read the model file of {} ({}): {}", name, source, e.toString());
            return new Outcome.Failed(ModelProblem.describe(source, e));
        }
        if (sha256.equals(unchangedSha256)) {
            deleteQuietly(snapshot);
            return null;
        }
        String served = version != null ? version : sha256.substring(0, 12);
        MicrometerMonitor monitor = new MicrometerMonitor(registry, name, served);
        NativeMemory.trim(); // memory freed by earlier versions goes back first, so the growth measured is this model's
        long residentBefore = ResidentMemory.bytes();
        ImageClassifier classifier;
        try {
            classifier = ImageClassifier.load(snapshot, options.toBuilder().monitor(monitor).build());
        } catch (InvalidModelException e) {
            monitor.close();
            deleteQuietly(snapshot);
            LOG.error("Cannot load model {} from {}: {}", name, source, e.getMessage());
            return new Outcome.Failed(ModelProblem.describe(source, e));
        }
        try {
            // The first run allocates ONNX Runtime's buffers, loads the decoders and sets up Jackson's
            // serializers: pay for it here, not on the first request.
            long warmUpStart = System.nanoTime();
            Prediction prediction = classifier.submit(warmUpImage()).get(60, TimeUnit.SECONDS);
            Json.compact(PredictionJson.of(prediction, 5, warmUpStart));
        } catch (Exception e) {
            classifier.close();
            monitor.close();
            deleteQuietly(snapshot);
            LOG.error("Model {} from {} failed its warm-up run", name, source, e);
            return new Outcome.Failed(ModelProblem.WARM_UP_FAILED);
        }
        long memory = Math.max(0, ResidentMemory.bytes() - residentBefore);
        LOG.info("Model {} version {} ({}, {} classes, backbone {}) loaded and warmed up in {} ms", name, served, source,
                classifier.labels().size(), classifier.info().backbone().name(), (System.nanoTime() - start) / 1_000_000);
        Gauge gauge = Gauge.builder("model.memory", () -> memory).baseUnit("bytes").tags("model", name, "version", served)
                .description("Resident memory the process grew by while this model version loaded and warmed up").register(registry);
        return new Outcome.Loaded(new ServedVersion(name, served, source, sha256, classifier, memory, () -> {
            registry.remove(gauge);
            monitor.close();
            deleteQuietly(snapshot);
            NativeMemory.trimSoon();
            LOG.info("Model {} version {} closed", name, served);
        }));
    }

    private synchronized Path snapshotDirectory() throws IOException {
        if (snapshots == null) {
            snapshots = Files.createTempDirectory("image-classifier-models-");
        }
        return snapshots;
    }

    /** Copies while hashing, so the digest is of exactly the bytes the model will be read from. */
    private static String copyHashing(Path source, Path target) throws IOException {
        MessageDigest sha = Sha256.newDigest();
        try (InputStream in = Files.newInputStream(source);
             OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha)) {
            in.transferTo(out);
        } catch (IOException e) {
            deleteQuietly(target);
            throw e;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete the model snapshot {}: {}", file, e.toString());
        }
    }

    /** Deletes the snapshot folder (the models must be closed first). */
    @Override
    public synchronized void close() {
        if (snapshots != null) {
            deleteQuietly(snapshots);
        }
    }

    private static byte[] warmUpImage() {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpeg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import ai.onnxruntime.OrtException;
import dev.imageclassifier.inference.BatchRunner;
import dev.imageclassifier.inference.TensorBatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A classifier file made by this project, loaded: its metadata (labels, preprocessing, …) and the ONNX
 * Runtime session(s) that run it. Thread-safe. Small models get a second, single-threaded session: a batch
 * that runs alone gets every core, and under load a second batch runs beside it on the other one.
 */
public final class ClassifierModel implements BatchRunner, AutoCloseable {

    /** Name of the probability output of every classifier file. */
    public static final String OUTPUT = "probabilities";

    /**
     * Models up to this size get the second session (about 20 % more images per second for
     * MobileNetV2-int8). A session costs about three times the file in memory, so larger models
     * (ResNet-50: +350 MiB) keep one.
     */
    public static final long SIDE_BY_SIDE_MAX_BYTES = 32L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(ClassifierModel.class);
    /** Files without a digest already warned about: one warning per file, not one per load. */
    private static final Set<Path> WARNED_UNDIGESTED = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final RuntimeOptions options;
    private OnnxModel explaining;
    private final OnnxModel primary;
    private final OnnxModel sideBySide;
    private final ModelMetadata metadata;
    private final int parallelRuns;
    private final AtomicInteger running = new AtomicInteger();

    private ClassifierModel(Path file, RuntimeOptions options, OnnxModel primary, OnnxModel sideBySide, int parallelRuns,
                            ModelMetadata metadata) {
        this.file = file;
        this.options = options;
        this.primary = primary;
        this.sideBySide = sideBySide;
        this.parallelRuns = parallelRuns;
        this.metadata = metadata;
    }

    public static ClassifierModel load(Path file, RuntimeOptions options) throws InvalidModelException {
        if (Files.isDirectory(file)) {
            throw new InvalidModelException(InvalidModelException.Problem.NOT_A_FILE, file, "Model file " + file
                    + " is a directory, not an .onnx file");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidModelException(InvalidModelException.Problem.NOT_FOUND, file, "Model file not found: " + file.toAbsolutePath());
        }
        ModelDigest.Check digest = checkDigest(file);
        OnnxModel primary = open(file, options);
        try {
            ModelMetadata metadata = ModelMetadata.fromProperties(primary.metadata());
            refuseDamaged(file, digest);
            int crop = metadata.preprocessing().crop();
            if (primary.imageSize() > 0 && primary.imageSize() != crop) {
                throw new InvalidModelException("the model's input is " + primary.imageSize() + " pixels, its metadata says " + crop);
            }
            boolean small = Files.size(file) <= SIDE_BY_SIDE_MAX_BYTES;
            OnnxModel second = options.parallelRuns() > 1 && small ? open(file, options.singleThreadedRuns()) : null;
            return new ClassifierModel(file, options, primary, second, second == null ? 1 : options.parallelRuns(), metadata);
        } catch (InvalidModelException e) {
            primary.close();
            if (e.problem() == InvalidModelException.Problem.CORRUPT) {
                throw e;
            }
            throw new InvalidModelException(e.problem(), file, file + ": " + e.getMessage(), e);
        } catch (OrtException | IOException e) {
            primary.close();
            throw new InvalidModelException(InvalidModelException.Problem.UNUSABLE, file, file + ": cannot read metadata: " + e.getMessage(), e);
        }
    }

    /** Checked before ONNX Runtime reads the file: a damaged file costs no session. */
    private static ModelDigest.Check checkDigest(Path file) throws InvalidModelException {
        try {
            return ModelDigest.requireIntact(file);
        } catch (IOException e) {
            throw new InvalidModelException(InvalidModelException.Problem.UNUSABLE, file, "Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** After the metadata is known to be ours: a file without a digest is older than digests, and is used with a warning. */
    private static void refuseDamaged(Path file, ModelDigest.Check digest) throws InvalidModelException {
        if (digest.status() == ModelDigest.Status.MALFORMED) { // ONNX Runtime read it, yet its framing is broken
            throw new InvalidModelException(InvalidModelException.Problem.CORRUPT, file,
                    file + " is damaged: its bytes are not a well-formed ONNX file");
        }
        if (digest.status() == ModelDigest.Status.ABSENT && WARNED_UNDIGESTED.add(file.toAbsolutePath().normalize())) {
            LOG.warn("{} records no content digest (it was written before digests were recorded): damage to it cannot be detected",
                    file);
        }
    }

    private static OnnxModel open(Path file, RuntimeOptions options) throws InvalidModelException {
        try {
            return OnnxModel.open(file, OUTPUT, options);
        } catch (InvalidModelException e) {
            throw new InvalidModelException(InvalidModelException.Problem.NOT_A_CLASSIFIER, file, file
                    + " is not a classifier made by this project: " + e.getMessage(), e);
        }
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** Batches that can usefully run at once: one per core on a small model, else one. */
    public int parallelRuns() {
        return parallelRuns;
    }

    /** Class probabilities for each row of the batch, in label order. */
    @Override
    public float[][] run(TensorBatch batch) throws OrtException {
        OnnxModel session = running.incrementAndGet() == 1 || sideBySide == null ? primary : sideBySide;
        try {
            return session.run(batch);
        } finally {
            running.decrementAndGet();
        }
    }

    /**
     * A runner whose rows are the class probabilities followed by the class activation maps ([C, h, w],
     * see {@link ClassActivationGraph}). Its session is made on first use, from the file with the maps
     * added in memory (old files work too): the sessions that classify stay exactly as they were.
     *
     * @throws InvalidModelException when the model has no global pool and linear head to explain with
     */
    public synchronized BatchRunner explaining() throws InvalidModelException {
        if (explaining == null) {
            try {
                byte[] model = ClassActivationGraph.withActivations(OnnxProtos.read(file)).toByteArray();
                explaining = OnnxModel.create(model, OUTPUT, options);
            } catch (InvalidModelException e) {
                throw new InvalidModelException("cannot explain the answers of " + file.getFileName() + ": " + e.getMessage(), e);
            }
        }
        OnnxModel session = explaining;
        List<String> outputs = List.of(OUTPUT, ClassActivationGraph.OUTPUT);
        return batch -> session.run(batch, outputs);
    }

    @Override
    public synchronized void close() {
        if (explaining != null) {
            explaining.close();
        }
        primary.close();
        if (sideBySide != null) {
            sideBySide.close();
        }
    }
}

package dev.imageclassifier.spark;

import dev.imageclassifier.BackboneFeatures;
import dev.imageclassifier.ClassifierOptions;
import dev.imageclassifier.FeatureRequest;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.InvalidModelException;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each executor JVM loads once and shares between its tasks: one {@link ImageClassifier} per
 * classifier file and one {@link BackboneFeatures} per backbone file and framing, keyed by the file (path, size and
 * modification time), so every task after the first finds the model ready.
 *
 * <p>Threads follow the executor's cores, not the machine's: tasks (one per core) feed the shared model,
 * whose batches run on single-threaded ONNX Runtime sessions side by side (one per core, as the local
 * path does), so executors sharing a node never oversubscribe it.
 */
final class ExecutorResources {

    private static final Pattern LOCAL_MASTER = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?");
    private static final Map<String, ImageClassifier> CLASSIFIERS = new ConcurrentHashMap<>();
    private static final Map<String, BackboneFeatures> FEATURES = new ConcurrentHashMap<>();

    private ExecutorResources() {
    }

    /** The executor's classifier for {@code file}, loaded by the first task that asks. */
    static ImageClassifier classifier(Path file, int batchSize) {
        int cores = executorCores();
        return CLASSIFIERS.computeIfAbsent(key(file) + "#" + batchSize, key -> {
            ClassifierOptions options = ClassifierOptions.builder().threads(cores).decodeThreads(cores).maxBatchSize(batchSize)
                    .queueCapacity(Math.max(ClassifierOptions.DEFAULT_QUEUE_CAPACITY, 8 * batchSize * cores)).build();
            try {
                return ImageClassifier.load(file, options);
            } catch (InvalidModelException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        });
    }

    /**
     * The executor's backbone for a request's backbone file and framing (no feature cache: the Parquet output
     * is the cache), loaded by the first task that asks.
     */
    static BackboneFeatures features(Path backbone, FeatureRequest request) {
        int cores = executorCores();
        return FEATURES.computeIfAbsent(key(backbone) + "#" + request.batchSize() + "#" + request.framing(), key -> {
            try {
                return BackboneFeatures.open(request, backbone, cores);
            } catch (InvalidModelException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        });
    }

    /**
     * Cores of this executor: {@code spark.executor.cores} when set, N of a {@code local[N]} master, else
     * the cores the JVM sees (standalone executors take the whole worker).
     */
    static int executorCores() {
        SparkEnv env = SparkEnv.get();
        SparkConf conf = env != null ? env.conf() : new SparkConf();
        if (conf.contains("spark.executor.cores")) {
            return Math.max(1, conf.getInt("spark.executor.cores", 1));
        }
        Matcher local = LOCAL_MASTER.matcher(conf.get("spark.master", ""));
        if (local.matches() && local.group(1) == null) {
            return 1;
        }
        if (local.matches() && !local.group(1).equals("*")) {
            return Integer.parseInt(local.group(1));
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static String key(Path file) {
        try {
            Path absolute = file.toAbsolutePath().normalize();
            return absolute + ":" + Files.size(absolute) + ":" + Files.getLastModifiedTime(absolute).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}

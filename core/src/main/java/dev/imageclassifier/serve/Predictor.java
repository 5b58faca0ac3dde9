package dev.imageclassifier.serve;

import dev.imageclassifier.inference.MicroBatcher;
import dev.imageclassifier.model.Classifier;
import dev.imageclassifier.model.TensorBatch;
import dev.imageclassifier.inference.MicroBatcher.QueueFullException;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.InvalidImageException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The path of one upload to its answer: decode and preprocess on a small worker pool (within the
 * process's {@link dev.imageclassifier.vision.DecodeBudget}, so large uploads side by side cannot exhaust
 * the heap), then ride in a micro-batch through the one shared {@link Classifier}. Owns the classifier
 * and closes it.
 */
public final class Predictor implements AutoCloseable {

    private final Classifier classifier;
    private final Classifier parallel;
    private final ImageDecoder decoder;
    private final ExecutorService workers;
    private final MicroBatcher<float[], float[]> batcher;
    private final Timer preprocessTime;

    public Predictor(Classifier classifier, ServeSettings settings, MeterRegistry registry) {
        this(classifier, null, settings, registry);
    }

    /**
     * @param classifier the model with all intra-op threads: a batch that runs alone gets every core
     * @param parallel   the same model with one intra-op thread, or null: under load, batches run side by
     *                   side on it, one per core, which beats one batch spread over the cores by 10-20 %
     */
    public Predictor(Classifier classifier, Classifier parallel, ServeSettings settings, MeterRegistry registry) {
        this.classifier = classifier;
        this.parallel = parallel;
        this.decoder = new ImageDecoder(settings.maxPixels());
        this.workers = Executors.newFixedThreadPool(settings.decodeThreads(), daemonThreads("preprocess"));
        // Each batcher thread owns its reusable tensor buffer.
        ThreadLocal<TensorBatch> buffers = ThreadLocal.withInitial(() -> classifier.newBatch(settings.maxBatchSize()));
        AtomicInteger running = new AtomicInteger();
        this.batcher = new MicroBatcher<>("classifier", rows -> {
            TensorBatch tensors = buffers.get();
            tensors.clear();
            rows.forEach(tensors::add);
            Classifier model = running.incrementAndGet() == 1 || parallel == null ? classifier : parallel;
            try {
                return Arrays.asList(model.probabilities(tensors));
            } finally {
                running.decrementAndGet();
            }
        }, settings.maxBatchSize(), settings.maxBatchDelay(), settings.queueCapacity(),
                parallel == null ? 1 : settings.runtime().parallelRuns(), registry);
        this.preprocessTime = Timer.builder("classifier.preprocess").description("Decoding and preprocessing of one image")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250))
                .register(registry);
    }

    /**
     * Starts one image on its way. The future fails with {@link InvalidImageException} for bytes that are
     * not a usable image, or with a timeout when {@code deadline} passes before its batch runs.
     *
     * @param deadline {@link System#nanoTime()} after which nobody waits for the answer
     * @throws QueueFullException at once, before any decoding, when the server is at capacity
     */
    public CompletableFuture<Prediction> submit(byte[] image, long deadline) throws QueueFullException {
        MicroBatcher<float[], float[]>.Slot slot = batcher.reserve(deadline);
        CompletableFuture<Preprocessed> prepared;
        try {
            prepared = CompletableFuture.supplyAsync(() -> preprocess(image, deadline), workers);
        } catch (RejectedExecutionException e) {
            slot.release();
            throw new QueueFullException("The server is shutting down");
        }
        return prepared
                .whenComplete((input, error) -> {
                    if (error != null) {
                        slot.release();
                    }
                })
                .thenCompose(input -> slot.submit(input.tensor()).thenApply(result -> new Prediction(result.value(),
                        result.batchSize(), input.nanos(), result.queuedNanos(), result.inferenceNanos())));
    }

    /** The labels with the highest probabilities, best first. */
    public List<Classifier.ScoredLabel> top(Prediction prediction, int k) {
        return classifier.top(prediction.probabilities(), k);
    }

    private record Preprocessed(float[] tensor, long nanos) {
    }

    private Preprocessed preprocess(byte[] image, long deadline) {
        long start = System.nanoTime();
        if (start - deadline > 0) {
            throw new CompletionException(new TimeoutException("waited for a decoder until the deadline"));
        }
        try {
            float[] tensor = decoder.tensor(image, classifier.preprocessor());
            long took = System.nanoTime() - start;
            preprocessTime.record(took, TimeUnit.NANOSECONDS);
            return new Preprocessed(tensor, took);
        } catch (InvalidImageException e) {
            throw new CompletionException(e);
        }
    }

    /** Stops taking images, lets queued ones finish, then frees the model. */
    @Override
    public void close() {
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        batcher.close(Duration.ofSeconds(10));
        classifier.close();
        if (parallel != null) {
            parallel.close();
        }
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

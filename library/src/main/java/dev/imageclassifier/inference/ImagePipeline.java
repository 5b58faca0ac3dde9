package dev.imageclassifier.inference;

import dev.imageclassifier.OverloadedException;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.vision.Preprocessor;
import dev.imageclassifier.vision.View;
import dev.imageclassifier.InferenceMonitor;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way from encoded image bytes to model outputs, for serving, the library, training's feature
 * extraction and evaluation alike: a place in the {@link MicroBatcher} is reserved first, the image is
 * decoded and preprocessed (into one row per {@link View}) on a small worker pool, and the rows ride in
 * micro-batches through the {@link BatchRunner}.
 */
public final class ImagePipeline implements AutoCloseable {

    /** What one image became: a model output row per view, with where the time went. */
    public record Output(float[][] rows, int batchSize, long preprocessNanos, long queueNanos, long inferenceNanos) {
    }

    /**
     * How the pipeline runs.
     *
     * @param maxBatchSize  most rows in one model call
     * @param maxBatchDelay how long a batch waits for rows that are already being prepared
     * @param capacity      rows admitted at once (being prepared or queued)
     * @param workers       threads decoding and preprocessing
     * @param runners       threads calling the model side by side (the runner must be thread-safe)
     */
    public record Settings(int maxBatchSize, Duration maxBatchDelay, int capacity, int workers, int runners) {
    }

    private final Preprocessor preprocessor;
    private final ImageDecoder decoder;
    private final ExecutorService workers;
    private final MicroBatcher<float[], float[]> batcher;
    private final String name;
    private final InferenceMonitor monitor;

    /** @param name prefix of thread names, and the pipeline name reported to {@code monitor} */
    public ImagePipeline(String name, Preprocessor preprocessor, ImageDecoder decoder, BatchRunner runner, Settings settings,
                         InferenceMonitor monitor) {
        this.preprocessor = preprocessor;
        this.decoder = decoder;
        this.workers = Executors.newFixedThreadPool(settings.workers(), daemonThreads(name + "-preprocess"));
        long[] rowShape = preprocessor.settings().rowShape();
        // Each runner thread owns its reusable tensor buffer.
        ThreadLocal<TensorBatch> buffers = ThreadLocal.withInitial(() -> new TensorBatch(settings.maxBatchSize(), rowShape));
        this.batcher = new MicroBatcher<>(name, rows -> {
            TensorBatch batch = buffers.get();
            batch.clear();
            rows.forEach(batch::add);
            return Arrays.asList(runner.run(batch));
        }, settings.maxBatchSize(), settings.maxBatchDelay(), settings.capacity(), settings.runners(), monitor);
        this.name = name;
        this.monitor = monitor;
    }

    public Preprocessor preprocessor() {
        return preprocessor;
    }

    /**
     * Starts one image on its way, refusing at once when the queue is full (servers shed load this way).
     * The future fails with {@link InvalidImageException} for bytes that are not a usable image, or with a
     * {@link TimeoutException} when {@code deadline} ({@link System#nanoTime()}) passes before its batch runs.
     */
    public CompletableFuture<Output> submit(byte[] image, List<View> views, long contentSeed, long deadline)
            throws OverloadedException {
        return start(batcher.reserve(views.size(), deadline), image, views, contentSeed, deadline);
    }

    /** {@link #submit}, but waits while the queue is full: callers with a folder to get through go at the model's pace. */
    public CompletableFuture<Output> submitWaiting(byte[] image, List<View> views, long contentSeed)
            throws OverloadedException, InterruptedException {
        long noDeadline = System.nanoTime() + TimeUnit.DAYS.toNanos(365);
        return start(batcher.awaitSlot(views.size(), noDeadline), image, views, contentSeed, noDeadline);
    }

    private CompletableFuture<Output> start(MicroBatcher<float[], float[]>.Slot slot, byte[] image, List<View> views,
                                            long contentSeed, long deadline) throws OverloadedException {
        CompletableFuture<Prepared> prepared;
        try {
            prepared = CompletableFuture.supplyAsync(() -> prepare(image, views, contentSeed, deadline), workers);
        } catch (RejectedExecutionException e) {
            slot.release();
            throw new OverloadedException("The server is shutting down");
        }
        return prepared
                .whenComplete((rows, error) -> {
                    if (error != null) {
                        slot.release();
                    }
                })
                .thenCompose(rows -> collect(slot.submit(List.of(rows.tensors())), rows.nanos()));
    }

    private record Prepared(float[][] tensors, long nanos) {
    }

    private Prepared prepare(byte[] image, List<View> views, long contentSeed, long deadline) {
        long start = System.nanoTime();
        if (start - deadline > 0) {
            throw new CompletionException(new TimeoutException("waited for a decoder until the deadline"));
        }
        try {
            // The eval view alone goes straight from the decoded raster to the tensor; other views need the image.
            float[][] tensors = views.equals(List.of(View.CENTER))
                    ? new float[][] {decoder.tensor(image, preprocessor)}
                    : decoder.decode(image, preprocessor.minShorterSide(views), decoded -> preprocessor.tensors(decoded, views, contentSeed));
            long took = System.nanoTime() - start;
            monitor.preprocessed(name, took);
            return new Prepared(tensors, took);
        } catch (InvalidImageException e) {
            throw new CompletionException(e);
        }
    }

    /** One output for the rows of one image; its timings are those of its slowest row. */
    private static CompletableFuture<Output> collect(List<CompletableFuture<MicroBatcher.Result<float[]>>> rows,
                                                     long preprocessNanos) {
        return CompletableFuture.allOf(rows.toArray(CompletableFuture[]::new)).thenApply(done -> {
            float[][] outputs = new float[rows.size()][];
            int batchSize = 0;
            long queued = 0;
            long inference = 0;
            for (int i = 0; i < outputs.length; i++) {
                MicroBatcher.Result<float[]> result = rows.get(i).join();
                outputs[i] = result.value();
                batchSize = Math.max(batchSize, result.batchSize());
                queued = Math.max(queued, result.queuedNanos());
                inference = Math.max(inference, result.inferenceNanos());
            }
            return new Output(outputs, batchSize, preprocessNanos, queued, inference);
        });
    }

    /** Stops taking images, lets queued ones finish. */
    @Override
    public void close() {
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        batcher.close(Duration.ofSeconds(10));
    }

    /** Daemon threads named {@code name-1}, {@code name-2}, …: a forgotten pipeline never keeps the JVM alive. */
    public static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

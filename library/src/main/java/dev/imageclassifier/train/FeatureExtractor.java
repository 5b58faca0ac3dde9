package dev.imageclassifier.train;

import dev.imageclassifier.inference.ImagePipeline;
import dev.imageclassifier.OverloadedException;
import dev.imageclassifier.Progress;
import dev.imageclassifier.io.Sha256;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.model.OnnxModel;
import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.vision.Preprocessing;
import dev.imageclassifier.vision.Preprocessor;
import dev.imageclassifier.vision.View;
import dev.imageclassifier.InferenceMonitor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Runs the frozen backbone over image files through the same {@link ImagePipeline} that serves uploads:
 * each image is read and hashed here, its cached views are taken from the {@link FeatureCache}, and the
 * missing ones are decoded once and batched through the backbone, the caller going at the model's pace.
 */
public final class FeatureExtractor implements AutoCloseable {

    /** How long a batch waits for views that are being decoded: decoding keeps ahead of the model. */
    private static final Duration BATCH_DELAY = Duration.ofMillis(20);

    private final OnnxModel backbone;
    private final ImagePipeline pipeline;
    private final FeatureCache cache;

    /**
     * @param result      what a run produced
     * @param features    [image][view] → feature vector; the row of a skipped image is null
     * @param computed    views that went through the backbone
     * @param cached      views read from the cache
     * @param cacheErrors views whose feature could not be written to the cache (computed again next time)
     * @param seconds     wall time of the extraction
     */
    public record Result(float[][][] features, List<SkippedImage> skipped, int computed, int cached, int cacheErrors,
                         double seconds) {

        /** Backbone throughput: computed views per second (0 when everything came from the cache). */
        public double imagesPerSecond() {
            return computed == 0 ? 0 : computed / seconds;
        }
    }

    /**
     * Opens the cut backbone with single-threaded sessions, run side by side by one runner per core: on
     * 2 cores 10-20 % faster than one run spread over both.
     *
     * @param workers threads decoding and preprocessing beside inference
     */
    public FeatureExtractor(BackboneGraph graph, Preprocessing preprocessing, FeatureCache cache, RuntimeOptions runtime,
                            int workers, int batchSize) throws InvalidModelException {
        this.backbone = OnnxModel.create(graph.featureModel().toByteArray(), BackboneGraph.FEATURES, runtime.singleThreadedRuns());
        if (backbone.imageSize() > 0 && backbone.imageSize() != preprocessing.crop()) {
            backbone.close();
            throw new InvalidModelException("The backbone takes " + backbone.imageSize() + "×" + backbone.imageSize()
                    + " images but the preprocessing crops " + preprocessing.crop());
        }
        this.cache = cache;
        ImagePipeline.Settings settings = new ImagePipeline.Settings(batchSize, BATCH_DELAY, 4 * batchSize, workers,
                runtime.parallelRuns());
        this.pipeline = new ImagePipeline("features", new Preprocessor(preprocessing), new ImageDecoder(), backbone, settings,
                InferenceMonitor.NONE);
    }

    /** Width of the feature vectors. */
    public int featureDim() throws InvalidModelException {
        try {
            return backbone.outputWidth(pipeline.preprocessor().settings().rowShape());
        } catch (Exception e) {
            throw new InvalidModelException("The backbone does not run on a blank image: " + e.getMessage(), e);
        }
    }

    /** The features of every view {@code viewsOf(i)} of every image; unreadable images are skipped, not fatal. */
    public Result extract(List<Path> images, IntFunction<List<View>> viewsOf, Progress progress)
            throws InterruptedException, OverloadedException {
        long start = System.nanoTime();
        Run run = new Run(images.size(), progress);
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            CompletableFuture<Void> extracted = extract(i, images.get(i), viewsOf.apply(i), run);
            if (extracted != null) {
                pending.add(extracted);
            }
        }
        for (CompletableFuture<Void> future : pending) {
            future.join(); // bad images were recorded as skipped; anything else fails the run here
        }
        List<SkippedImage> skipped = new ArrayList<>(run.skipped);
        skipped.sort(Comparator.comparingInt(SkippedImage::index));
        return new Result(run.features, skipped, run.computed.get(), run.cached.get(), run.cacheErrors.get(),
                (System.nanoTime() - start) / 1e9);
    }

    /** What one extraction collects, filled from the runner threads. */
    private static final class Run {
        final float[][][] features;
        final List<SkippedImage> skipped = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger computed = new AtomicInteger();
        final AtomicInteger cached = new AtomicInteger();
        final AtomicInteger cacheErrors = new AtomicInteger();
        final Progress progress;

        Run(int images, Progress progress) {
            this.features = new float[images][][];
            this.progress = progress;
        }

        void skip(int index, Path path, String reason) {
            skipped.add(new SkippedImage(index, path, reason));
            progress.step();
        }
    }

    /**
     * The features of {@code views} of one encoded image, straight from the backbone and not cached: for
     * callers that already hold the bytes (Spark executors). The views' randomness is seeded by the
     * content, as in {@link #extract}, so both give the same features. The future fails with an
     * {@link InvalidImageException} for bytes that are not a usable image.
     */
    public CompletableFuture<float[][]> features(byte[] image, List<View> views) throws InterruptedException, OverloadedException {
        return pipeline.submitWaiting(image, views, View.contentSeed(Sha256.of(image))).thenApply(ImagePipeline.Output::rows);
    }

    /** One image: cached views now, the missing ones on their way through the backbone (null when none). */
    private CompletableFuture<Void> extract(int index, Path path, List<View> views, Run run)
            throws InterruptedException, OverloadedException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            run.skip(index, path, "unreadable: " + e.getMessage());
            return null;
        }
        String sha = Sha256.of(bytes);
        float[][] row = new float[views.size()][];
        List<View> missing = new ArrayList<>();
        for (int v = 0; v < views.size(); v++) {
            row[v] = cache.get(sha, views.get(v));
            if (row[v] == null) {
                missing.add(views.get(v));
            }
        }
        run.cached.addAndGet(views.size() - missing.size());
        if (missing.isEmpty()) {
            run.features[index] = row;
            run.progress.step();
            return null;
        }
        return pipeline.submitWaiting(bytes, missing, View.contentSeed(sha)).handle((output, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (!(cause instanceof InvalidImageException)) {
                    throw new CompletionException(cause); // not the image's fault: the run fails
                }
                run.skip(index, path, cause.getMessage());
                return null;
            }
            for (int k = 0, v = 0; v < views.size(); v++) {
                if (row[v] == null) {
                    row[v] = output.rows()[k++];
                    store(sha, views.get(v), row[v], run);
                }
            }
            run.computed.addAndGet(missing.size());
            run.features[index] = row;
            run.progress.step();
            return null;
        });
    }

    private void store(String sha, View view, float[] feature, Run run) {
        try {
            cache.put(sha, view, feature);
        } catch (IOException | UncheckedIOException e) {
            run.cacheErrors.incrementAndGet();
        }
    }

    @Override
    public void close() {
        pipeline.close();
        backbone.close();
    }
}

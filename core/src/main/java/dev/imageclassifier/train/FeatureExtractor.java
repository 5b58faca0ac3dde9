package dev.imageclassifier.train;

import ai.onnxruntime.OrtException;
import dev.imageclassifier.io.Progress;
import dev.imageclassifier.io.Sha256;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.model.InvalidModelException;
import dev.imageclassifier.model.OnnxModel;
import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.model.TensorBatch;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.InvalidImageException;
import dev.imageclassifier.vision.Preprocessing;
import dev.imageclassifier.vision.Preprocessor;
import dev.imageclassifier.vision.RgbImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Runs the frozen backbone over images: decoder threads read, hash, decode and preprocess each image
 * once into all its requested views, while inference threads stack the view tensors into batches for
 * ONNX Runtime. Features already in the {@link FeatureCache} are read back instead of computed. The same
 * engine evaluates a classifier file: its "features" are then class probabilities.
 */
public final class FeatureExtractor {

    private final OnnxModel model;
    private final Preprocessor preprocessor;
    private final FeatureCache cache;
    private final int decodeThreads;
    private final int inferenceWorkers;
    private final int batchSize;
    private final ImageDecoder decoder = new ImageDecoder();

    /** A view tensor on its way to the backbone. */
    private record Work(int image, int view, View spec, String sha, float[] tensor) {
    }

    /** An image that could not be used. */
    public record Failure(int image, Path path, String reason) {
    }

    /**
     * @param features   [image][view] → feature vector; the row of a failed image is null
     * @param computed   views that went through the backbone
     * @param cached     views read from the cache
     * @param seconds    wall time of the extraction
     */
    public record Result(float[][][] features, List<Failure> failures, int computed, int cached, double seconds) {

        /** Backbone throughput: computed views per second (0 when everything came from the cache). */
        public double imagesPerSecond() {
            return computed == 0 ? 0 : computed / seconds;
        }
    }

    /**
     * @param model            any one-input, one-output image model: a cut backbone (features) or a
     *                         classifier (probabilities); the extractor does not own it
     * @param decodeThreads    threads that read, decode and preprocess images beside inference
     * @param inferenceWorkers threads running batches through the model at the same time
     * @param batchSize        images per ONNX Runtime call
     */
    public FeatureExtractor(OnnxModel model, Preprocessing preprocessing, FeatureCache cache, int decodeThreads,
                            int inferenceWorkers, int batchSize) throws InvalidModelException {
        if (model.imageSize() > 0 && model.imageSize() != preprocessing.crop()) {
            throw new InvalidModelException("The model takes " + model.imageSize() + "×" + model.imageSize()
                    + " images but the preprocessing crops " + preprocessing.crop());
        }
        this.model = model;
        this.preprocessor = new Preprocessor(preprocessing);
        this.cache = cache;
        this.decodeThreads = Math.max(1, decodeThreads);
        this.inferenceWorkers = Math.max(1, inferenceWorkers);
        this.batchSize = Math.max(1, batchSize);
    }

    /** Opens a session on the cut backbone, to be closed by the caller. */
    public static OnnxModel openBackbone(BackboneGraph backbone, RuntimeOptions options) throws InvalidModelException {
        return OnnxModel.create(backbone.featureModel().toByteArray(), BackboneGraph.FEATURES, options);
    }

    /** Width of the feature vectors, found by running one blank image through the backbone. */
    public int featureDim() throws OrtException {
        TensorBatch probe = new TensorBatch(1, preprocessor.settings().tensorSize());
        probe.add(new float[preprocessor.settings().tensorSize()]);
        return model.run(probe, preprocessor.settings().crop())[0].length;
    }

    public Result extract(List<Path> images, IntFunction<List<View>> viewsOf, Progress progress)
            throws OrtException, InterruptedException, IOException {
        long start = System.nanoTime();
        int n = images.size();
        float[][][] features = new float[n][][];
        AtomicInteger[] pending = new AtomicInteger[n];
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger cached = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger producersLeft = new AtomicInteger(decodeThreads);
        AtomicReference<Throwable> crash = new AtomicReference<>();
        BlockingQueue<Work> queue = new ArrayBlockingQueue<>(batchSize * 2);

        ExecutorService decoders = Executors.newFixedThreadPool(decodeThreads, daemon("feature-decoder"));
        for (int t = 0; t < decodeThreads; t++) {
            decoders.execute(() -> {
                try {
                    for (int i; (i = next.getAndIncrement()) < n && crash.get() == null; ) {
                        prepare(i, images.get(i), viewsOf.apply(i), features, pending, failures, cached, queue, progress);
                    }
                } catch (Throwable e) {
                    crash.compareAndSet(null, e);
                } finally {
                    producersLeft.decrementAndGet();
                }
            });
        }
        decoders.shutdown();

        // Several inference loops on one session: single-threaded runs side by side keep both cores busy
        // without the barrier waits of one run spread over two threads (+10-20 % here).
        AtomicInteger computed = new AtomicInteger();
        ExecutorService inference = Executors.newFixedThreadPool(inferenceWorkers, daemon("feature-inference"));
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int w = 0; w < inferenceWorkers; w++) {
                loops.add(inference.submit(() -> {
                    try {
                        inferenceLoop(queue, producersLeft, crash, features, pending, computed, progress);
                    } catch (Throwable e) {
                        crash.compareAndSet(null, e);
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                try {
                    loop.get();
                } catch (ExecutionException e) {
                    crash.compareAndSet(null, e.getCause());
                }
            }
        } finally {
            inference.shutdownNow();
            decoders.shutdownNow();
            decoders.awaitTermination(1, TimeUnit.MINUTES);
        }
        if (crash.get() != null) {
            Throwable e = crash.get();
            throw e instanceof RuntimeException r ? r : new IllegalStateException("feature extraction failed: " + e, e);
        }
        List<Failure> sorted = new ArrayList<>(failures);
        sorted.sort((a, b) -> Integer.compare(a.image(), b.image()));
        return new Result(features, sorted, computed.get(), cached.get(), (System.nanoTime() - start) / 1e9);
    }

    /** On a decoder thread: cache look-ups, then one decode for all missing views. */
    private void prepare(int i, Path path, List<View> views, float[][][] features, AtomicInteger[] pending,
                         List<Failure> failures, AtomicInteger cached, BlockingQueue<Work> queue, Progress progress)
            throws InterruptedException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            failures.add(new Failure(i, path, "unreadable: " + e.getMessage()));
            progress.step();
            return;
        }
        String sha = Sha256.of(bytes);
        float[][] row = new float[views.size()][];
        List<Integer> missing = new ArrayList<>();
        for (int v = 0; v < views.size(); v++) {
            row[v] = cache.get(sha, views.get(v));
            if (row[v] == null) {
                missing.add(v);
            }
        }
        cached.addAndGet(views.size() - missing.size());
        if (missing.isEmpty()) {
            features[i] = row;
            progress.step();
            return;
        }
        float[][] tensors;
        try {
            tensors = decoder.decode(bytes, shorterSideFor(views, missing), image -> tensors(image, views, missing, sha));
        } catch (InvalidImageException e) {
            failures.add(new Failure(i, path, e.getMessage()));
            progress.step();
            return;
        }
        features[i] = row;
        pending[i] = new AtomicInteger(missing.size());
        for (int k = 0; k < missing.size(); k++) {
            int v = missing.get(k);
            queue.put(new Work(i, v, views.get(v), sha, tensors[k]));
        }
    }

    /** The shorter side the decoded image needs so that every missing view reads enough pixels. */
    private int shorterSideFor(List<View> views, List<Integer> missing) {
        return missing.stream().map(views::get).mapToInt(view -> view.kind() == View.Kind.AUGMENTED
                ? view.augmentation().minShorterSide(preprocessor.settings().crop()) : preprocessor.minShorterSide()).max().orElse(1);
    }

    /** The model inputs of the {@code missing} views of one decoded image, in that order. */
    private float[][] tensors(RgbImage image, List<View> views, List<Integer> missing, String sha) {
        float[][] tensors = new float[missing.size()][];
        float[] center = null;
        for (int k = 0; k < missing.size(); k++) {
            View view = views.get(missing.get(k));
            tensors[k] = switch (view.kind()) {
                case CENTER -> center == null ? (center = preprocessor.toTensor(image)) : center;
                case CENTER_FLIP -> flip(center == null ? (center = preprocessor.toTensor(image)) : center,
                        preprocessor.settings().crop());
                case AUGMENTED -> preprocessor.normalize(view.augmentation().apply(image, preprocessor.settings().crop(),
                        randomFor(view, sha)));
            };
        }
        return tensors;
    }

    /** On an inference thread: batches from the queue until the decoders are done and the queue is empty. */
    private void inferenceLoop(BlockingQueue<Work> queue, AtomicInteger producersLeft, AtomicReference<Throwable> crash,
                               float[][][] features, AtomicInteger[] pending, AtomicInteger computed, Progress progress)
            throws InterruptedException, OrtException, IOException {
        TensorBatch batch = new TensorBatch(batchSize, preprocessor.settings().tensorSize());
        List<Work> inBatch = new ArrayList<>(batchSize);
        while (crash.get() == null) {
            Work work = queue.poll(20, TimeUnit.MILLISECONDS);
            if (work != null) {
                batch.add(work.tensor);
                inBatch.add(work);
            }
            boolean drained = work == null && producersLeft.get() == 0 && queue.isEmpty();
            if (batch.isFull() || (drained && !batch.isEmpty())) {
                computed.addAndGet(runBatch(batch, inBatch, features, pending, progress));
            }
            if (drained) {
                return;
            }
        }
    }

    /** One ONNX Runtime call for the batch, then results into place and cache. */
    private int runBatch(TensorBatch batch, List<Work> inBatch, float[][][] features, AtomicInteger[] pending,
                         Progress progress) throws OrtException, IOException {
        float[][] out = model.run(batch, preprocessor.settings().crop());
        for (int r = 0; r < out.length; r++) {
            Work work = inBatch.get(r);
            features[work.image][work.view] = out[r];
            if (pending[work.image].decrementAndGet() == 0) {
                progress.step();
            }
        }
        for (int r = 0; r < out.length; r++) {
            Work work = inBatch.get(r);
            cache.put(work.sha, work.spec, out[r]);
        }
        int count = out.length;
        batch.clear();
        inBatch.clear();
        return count;
    }

    /** The k-th view of an image is drawn from its seed and content, so it is the same in every run and order. */
    private static SplittableRandom randomFor(View view, String imageSha256) {
        long content = Long.parseUnsignedLong(imageSha256.substring(0, 15), 16);
        return new SplittableRandom(view.seed() ^ content ^ (view.index() * 0x9E3779B97F4A7C15L));
    }

    /** Mirrors a CHW tensor left ↔ right. */
    static float[] flip(float[] chw, int size) {
        float[] out = new float[chw.length];
        for (int row = 0; row < chw.length / size; row++) {
            int base = row * size;
            for (int x = 0; x < size; x++) {
                out[base + x] = chw[base + size - 1 - x];
            }
        }
        return out;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

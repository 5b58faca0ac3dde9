package dev.imageclassifier;

import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.train.FeatureCache;
import dev.imageclassifier.train.FeatureExtractor;
import dev.imageclassifier.vision.Preprocessing;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The backbone of a {@link FeatureRequest}, ready to compute features of encoded images with the
 * request's framing and views: what a {@link FeatureSource}'s workers run. Thread-safe and meant to be
 * kept (a worker may reuse it for every request with the same backbone and framing); concurrent calls
 * share batches. Views' randomness is seeded by the image's content, so every worker computes the same
 * features a local run does.
 *
 * <pre>{@code
 * try (BackboneFeatures backbone = BackboneFeatures.open(request, localCopyOfTheBackbone, cores)) {
 *     float[][] views = backbone.submit(request, bytes, true).join();
 * }
 * }</pre>
 */
public final class BackboneFeatures implements AutoCloseable {

    private final Framing framing;
    private final FeatureExtractor extractor;

    private BackboneFeatures(Framing framing, FeatureExtractor extractor) {
        this.framing = framing;
        this.extractor = extractor;
    }

    /**
     * Loads the request's backbone from {@code backboneFile} (the worker's copy of {@link FeatureRequest#backbone()}).
     *
     * @param request what to compute
     * @param backboneFile the backbone file on this machine
     * @param threads cores to use
     * @return the ready backbone
     * @throws InvalidModelException when the file is not a usable backbone
     */
    public static BackboneFeatures open(FeatureRequest request, Path backboneFile, int threads) throws InvalidModelException {
        BackboneGraph graph = BackboneGraph.load(backboneFile, request.backboneName());
        return new BackboneFeatures(request.framing(), new FeatureExtractor(graph, Preprocessing.IMAGENET.withFraming(request.framing()),
                FeatureCache.disabled(), new RuntimeOptions(threads, Device.CPU), threads, request.batchSize()));
    }

    /**
     * Starts one image on its way, waiting first while the queue is full.
     *
     * @param request  a request with this backbone's framing: its views are used
     * @param image    the encoded image
     * @param training true for a training image (the request's views), false for a validation image (the centre view)
     * @return its views' feature vectors; fails with {@link InvalidImageException} for bytes that are not a usable image
     * @throws InterruptedException when interrupted while waiting for the queue
     * @throws OverloadedException  when the backbone is closing
     * @throws IllegalArgumentException when the request has another framing
     */
    public CompletableFuture<float[][]> submit(FeatureRequest request, byte[] image, boolean training)
            throws InterruptedException, OverloadedException {
        if (request.framing() != framing) {
            throw new IllegalArgumentException("this backbone frames images " + framing + ", the request asks for " + request.framing());
        }
        return extractor.features(image, request.views(training));
    }

    /** Lets queued images finish, then frees the backbone. */
    @Override
    public void close() {
        extractor.close();
    }
}

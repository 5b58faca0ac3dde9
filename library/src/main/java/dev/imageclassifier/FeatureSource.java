package dev.imageclassifier;

import java.io.IOException;

/**
 * Where a {@link Trainer} gets backbone features computed: in this process by default (with a feature
 * cache), or elsewhere — the Spark module plugs in its executors here and nothing else, so a model trained
 * on a cluster is chosen, trained and written exactly as one trained on a laptop.
 *
 * <p>An implementation runs the request's backbone over each of {@link FeatureRequest#images()} (through
 * {@link BackboneFeatures}, which applies the request's framing and views) and returns the vectors in the
 * request's order.
 */
@FunctionalInterface
public interface FeatureSource {

    /**
     * Computes the features of every image of the request.
     *
     * @param request  the backbone, framing, views and images
     * @param progress counts images as they are done
     * @return the features, in the request's order
     * @throws IOException          when images or the backbone cannot be read
     * @throws InvalidModelException when the backbone cannot run
     * @throws InterruptedException when the caller is interrupted
     */
    FeatureTable extract(FeatureRequest request, Progress progress) throws IOException, InvalidModelException, InterruptedException;
}

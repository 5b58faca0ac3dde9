package dev.imageclassifier;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/** The features a {@link FeatureSource} computed for a {@link FeatureRequest}. */
public interface FeatureTable {

    /**
     * An image that could not be used.
     *
     * @param path   its path, as in the request
     * @param reason why, in words
     */
    record Failure(String path, String reason) {
    }

    /**
     * The features in this process.
     *
     * @return per image of the request, in its order: the vectors of its views (training images: the
     *         request's views; validation images: one), or null for an image that could not be used
     * @throws IOException when they cannot be brought here
     */
    float[][][] collect() throws IOException;

    /** @return the images that could not be used (a source may list only the first few), with reasons */
    List<Failure> failures();

    /** @return how many images could not be used */
    default long failureCount() {
        return failures().size();
    }

    /** @return views that went through the backbone (the rest came from a cache) */
    long computed();

    /** @return views read from a cache */
    default long cached() {
        return 0;
    }

    /** @return views whose feature could not be written to a cache (they are computed again next time) */
    default long cacheErrors() {
        return 0;
    }

    /**
     * For features too large for this process: fits the linear head where they live (Spark: MLlib's
     * logistic regression over the executors). The trainer asks before {@link #collect()}.
     *
     * @param labels class names in output order
     * @return the head, or empty to have the trainer collect the features and train the head itself (the default)
     * @throws IOException when fitting fails
     */
    default Optional<FittedHead> fitHead(List<String> labels) throws IOException {
        return Optional.empty();
    }

    /**
     * Hands each usable validation image's label and vector to {@code visitor}, for a head fitted by
     * {@link #fitHead}; the default goes through {@link #collect()}.
     *
     * @param request the request this table answers
     * @param visitor receives (label, vector)
     * @throws IOException when the features cannot be read
     */
    default void forEachValidation(FeatureRequest request, BiConsumer<String, float[]> visitor) throws IOException {
        float[][][] all = collect();
        for (int i = 0; i < all.length; i++) {
            DatasetSplit.Image image = request.images().get(i);
            if (all[i] != null && !image.training()) {
                visitor.accept(image.label(), all[i][0]);
            }
        }
    }
}

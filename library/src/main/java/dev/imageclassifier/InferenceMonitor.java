package dev.imageclassifier;

/**
 * What a classifier's batching engine reports as it works, for an application to turn into metrics: the
 * server feeds these to Micrometer ({@code /metrics}); the library itself keeps no metrics registry.
 * Every method has an empty default, so an implementation overrides only what it wants. They are called on
 * the engine's own threads and must return quickly.
 *
 * <pre>{@code
 * LongAdder images = new LongAdder();
 * ClassifierOptions options = ClassifierOptions.builder().monitor(new InferenceMonitor() {
 *     public void batchRan(String pipeline, int size, long nanos) { images.add(size); }
 * }).build();
 * }</pre>
 *
 * <p>{@code pipeline} names the engine: {@code classifier} for classifying, {@code explain} for explanations.
 */
public interface InferenceMonitor {

    /** Reports nothing. */
    InferenceMonitor NONE = new InferenceMonitor() {
        @Override
        public String toString() {
            return "InferenceMonitor.NONE";
        }
    };

    /** How full one pipeline's queue is, read when an application asks (e.g. at a metrics scrape). */
    interface Queue {
        /** @return preprocessed images waiting for the model */
        int waiting();

        /** @return admitted images still being decoded and preprocessed */
        int preparing();
    }

    /**
     * A pipeline started; its queue can be watched from now on.
     *
     * @param pipeline the pipeline's name
     * @param queue    its queue
     */
    default void started(String pipeline, Queue queue) {
    }

    /**
     * One image was decoded and preprocessed.
     *
     * @param pipeline the pipeline's name
     * @param nanos    how long it took
     */
    default void preprocessed(String pipeline, long nanos) {
    }

    /**
     * One preprocessed image waited this long for its batch.
     *
     * @param pipeline the pipeline's name
     * @param nanos    the wait
     */
    default void waited(String pipeline, long nanos) {
    }

    /**
     * The model ran one batch.
     *
     * @param pipeline the pipeline's name
     * @param images   images in the batch
     * @param nanos    how long the model call took
     */
    default void batchRan(String pipeline, int images, long nanos) {
    }

    /**
     * An image was refused because the queue was full ({@link OverloadedException}).
     *
     * @param pipeline the pipeline's name
     */
    default void rejected(String pipeline) {
    }

    /**
     * A queued image was dropped because its caller gave up or its deadline passed.
     *
     * @param pipeline the pipeline's name
     */
    default void expired(String pipeline) {
    }
}

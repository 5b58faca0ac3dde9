package dev.imageclassifier.serve;

/**
 * The model's answer for one image, with where the time went.
 *
 * @param probabilities one per label, in label order
 * @param batchSize     images in the model call this one rode in
 */
public record Prediction(float[] probabilities, int batchSize, long preprocessNanos, long queueNanos, long inferenceNanos) {
}

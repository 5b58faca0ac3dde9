package dev.imageclassifier;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The classifier's answer for one image: the most probable label, the top-k, every probability, and
 * where the time went. Immutable.
 *
 * <pre>{@code
 * Prediction p = classifier.classify(Path.of("cat.jpg"));
 * System.out.println(p.label() + " " + p.confidence());
 * for (ScoredLabel s : p.top(3)) {
 *     System.out.println(s.label() + " " + s.confidence());
 * }
 * }</pre>
 */
public final class Prediction {

    /**
     * Nanoseconds spent decoding and preprocessing, waiting for a batch, and in the model call.
     *
     * @param preprocessNanos decoding the image and preparing the model input
     * @param queueNanos      waiting for a batch and a free model
     * @param inferenceNanos  the model call of the batch
     * @param batchSize       images (or views) in the model call this one rode in
     */
    public record Timing(long preprocessNanos, long queueNanos, long inferenceNanos, int batchSize) {
    }

    private final List<String> labels;
    private final float[] probabilities;
    private final int best;
    private final Timing timing;

    /**
     * A prediction from a model's output (the classifier makes them; tests and other runtimes may too).
     *
     * @param labels        class names in the model's output order; not empty
     * @param probabilities one per label, in label order (copied)
     * @param timing        where the time went
     * @throws IllegalArgumentException when there are no labels, or not one probability per label
     */
    public Prediction(List<String> labels, float[] probabilities, Timing timing) {
        if (labels.size() != probabilities.length || labels.isEmpty()) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + labels.size() + " labels");
        }
        this.labels = labels;
        this.probabilities = probabilities.clone();
        this.best = ranked().findFirst().orElseThrow().index;
        this.timing = timing;
    }

    /** @return the most probable label (the first in label order on a tie) */
    public String label() {
        return labels.get(best);
    }

    /** @return the probability of {@link #label()}, in [0, 1] */
    public float confidence() {
        return probabilities[best];
    }

    /**
     * The most probable labels, best first (ties in label order).
     *
     * @param k how many; all of them when {@code k} exceeds the label count, none when it is 0 or less
     * @return the {@code k} most probable labels with their probabilities
     */
    public List<ScoredLabel> top(int k) {
        return ranked().limit(Math.max(0, k)).map(i -> new ScoredLabel(labels.get(i.index), i.probability)).toList();
    }

    /** @return every label's probability, in label order (a copy) */
    public float[] probabilities() {
        return probabilities.clone();
    }

    /** @return where the time went for this image */
    public Timing timing() {
        return timing;
    }

    private record Ranked(int index, float probability) {
    }

    private Stream<Ranked> ranked() {
        return IntStream.range(0, probabilities.length).mapToObj(i -> new Ranked(i, probabilities[i]))
                .sorted(Comparator.comparingDouble((Ranked r) -> r.probability).reversed().thenComparingInt(Ranked::index));
    }

    @Override
    public String toString() {
        return "Prediction[" + label() + " " + confidence() + ", top-3 " + top(3) + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Prediction p && p.labels.equals(labels) && Arrays.equals(p.probabilities, probabilities);
    }

    @Override
    public int hashCode() {
        return 31 * labels.hashCode() + Arrays.hashCode(probabilities);
    }
}

package dev.imageclassifier;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The classifier's answer for one image: the most probable label, the top-k, every probability, and
 * where the time went. Immutable.
 */
public final class Prediction {

    /**
     * Nanoseconds spent decoding and preprocessing, waiting for a batch, and in the model call.
     *
     * @param batchSize images (or views) in the model call this one rode in
     */
    public record Timing(long preprocessNanos, long queueNanos, long inferenceNanos, int batchSize) {
    }

    private final List<String> labels;
    private final float[] probabilities;
    private final int best;
    private final Timing timing;

    /** @param probabilities one per label, in label order */
    public Prediction(List<String> labels, float[] probabilities, Timing timing) {
        if (labels.size() != probabilities.length || labels.isEmpty()) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + labels.size() + " labels");
        }
        this.labels = labels;
        this.probabilities = probabilities.clone();
        this.best = ranked().findFirst().orElseThrow().index;
        this.timing = timing;
    }

    /** The most probable label. */
    public String label() {
        return labels.get(best);
    }

    /** The probability of {@link #label()}, in [0, 1]. */
    public float confidence() {
        return probabilities[best];
    }

    /** The {@code k} most probable labels, best first (all of them when {@code k} exceeds the label count). */
    public List<ScoredLabel> top(int k) {
        return ranked().limit(Math.max(0, k)).map(i -> new ScoredLabel(labels.get(i.index), i.probability)).toList();
    }

    /** Every label's probability, in label order (a copy). */
    public float[] probabilities() {
        return probabilities.clone();
    }

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

package dev.imageclassifier.train;

import dev.imageclassifier.Progress;
import dev.imageclassifier.Framing;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.model.RuntimeOptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses how images are framed (centre crop, shorter side, whole image) for a dataset, honestly: on a
 * stratified sample of the TRAINING images only. Each framing's centre-view features of the sample are
 * extracted (and cached: the winner's are reused by the full extraction), a quick head is trained on 70 % of
 * the sample, and the framing with the lowest loss on the other 30 % wins.
 */
public final class FramingChoice {

    /** How one framing did on the sample's hold-out. */
    public record Candidate(Framing framing, double holdoutLoss, double holdoutAccuracy) {
    }

    /** @param images training images in the sample */
    public record Result(Framing chosen, List<Candidate> candidates, int images, double seconds) {

        public static Result fixed(Framing framing) {
            return new Result(framing, List.of(), 0, 0);
        }
    }

    /** Share of each class in the sample, and of the sample held out. */
    private static final double SAMPLE = 0.3;
    private static final double HELD_OUT = 0.3;

    /** The centre-view features of the sample's images under one framing (null rows for unusable images). */
    public interface SampleFeatures {
        float[][][] extract(Framing framing, List<Integer> sample) throws IOException, InvalidModelException, InterruptedException;
    }

    private FramingChoice() {
    }

    /**
     * @param labels class indices of the training images
     * @param recipe the framings to try, and the head settings (one head, the recipe's fixed weight decay)
     */
    public static Result choose(Recipe recipe, int[] labels, int classes, long seed, TrainedHeads trained, SampleFeatures features)
            throws IOException, InvalidModelException, InterruptedException {
        if (recipe.framings().size() == 1) {
            return Result.fixed(recipe.framings().get(0));
        }
        long start = System.nanoTime();
        boolean[] inSample = HeadTrainer.holdoutMask(labels, classes, SAMPLE, new SplittableRandom(seed ^ 0xF4A3L));
        List<Integer> sample = new ArrayList<>();
        List<Integer> sampleLabels = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            if (inSample[i]) {
                sample.add(i);
                sampleLabels.add(labels[i]);
            }
        }
        // Quick SGD heads whatever the recipe's solver: they rank framings, and a few epochs do that well
        Recipe quick = recipe.toBuilder().weightDecayCandidates(List.of()).holdoutFraction(HELD_OUT).minSteps(0)
                .solver(Recipe.Solver.SGD).build();
        List<Candidate> candidates = new ArrayList<>();
        for (Framing framing : recipe.framings()) {
            candidates.add(score(framing, features.extract(framing, sample), sampleLabels, classes, quick, seed, trained));
        }
        Candidate best = candidates.stream().min((a, b) -> Double.compare(a.holdoutLoss(), b.holdoutLoss())).orElseThrow();
        return new Result(best.framing(), candidates, sample.size(), (System.nanoTime() - start) / 1e9);
    }

    /** The number of training images in the sample {@link #choose} draws. */
    public static int sampleSize(int trainImages) {
        return (int) Math.round(trainImages * SAMPLE);
    }

    /** A quick head on 70 % of the sample's features; its best loss and accuracy on the other 30 %. */
    private static Candidate score(Framing framing, float[][][] features, List<Integer> sampleLabels, int classes,
                                   Recipe quick, long seed, TrainedHeads trained) {
        List<float[][]> views = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < sampleLabels.size(); i++) {
            if (features[i] != null) {
                views.add(features[i]);
                kept.add(sampleLabels.get(i));
            }
        }
        try {
            HeadTrainer.Result head = new HeadTrainer(quick, seed, RuntimeOptions.defaults(), trained).train(views.toArray(float[][][]::new),
                    kept.stream().mapToInt(Integer::intValue).toArray(), classes, Progress.NONE);
            HeadTrainer.Epoch best = head.history().get(head.bestEpoch() - 1);
            return new Candidate(framing, best.holdoutLoss(), best.holdoutAccuracy());
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("the head's training graph failed: " + e.getMessage(), e);
        }
    }
}

package dev.imageclassifier.train;

import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.inference.MicroBatcher.QueueFullException;
import dev.imageclassifier.io.Progress;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.model.InvalidModelException;
import dev.imageclassifier.vision.Framing;
import dev.imageclassifier.vision.Preprocessing;
import dev.imageclassifier.vision.View;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Chooses how images are framed (centre crop, shorter side, whole image) for a dataset, honestly: on a
 * stratified sample of the TRAINING images only. Each framing's centre-view features of the sample are
 * extracted (and cached: the winner's are reused by the full extraction), a quick head is trained on 70 % of
 * the sample, and the framing with the lowest loss on the other 30 % wins.
 */
final class FramingChoice {

    /** How one framing did on the sample's hold-out. */
    record Candidate(Framing framing, double holdoutLoss, double holdoutAccuracy) {
    }

    /** @param images training images in the sample */
    record Result(Framing chosen, List<Candidate> candidates, int images, double seconds) {

        static Result fixed(Framing framing) {
            return new Result(framing, List.of(), 0, 0);
        }
    }

    /** Share of each class in the sample, and of the sample held out. */
    private static final double SAMPLE = 0.3;
    private static final double HELD_OUT = 0.3;

    /** Opens the extractor of one framing's preprocessing (with its own cache folder). */
    interface Extractors {
        FeatureExtractor open(Preprocessing preprocessing) throws InvalidModelException;
    }

    private FramingChoice() {
    }

    /**
     * @param train  the training images, {@code files} their paths, {@code labels} their class indices
     * @param recipe the framings to try, and the head settings (one head, the recipe's fixed weight decay)
     */
    static Result choose(Recipe recipe, Preprocessing base, List<LabeledImage> train, Function<LabeledImage, Path> files,
                         int[] labels, int classes, long seed, Extractors extractors, Progress progress)
            throws InvalidModelException, InterruptedException, QueueFullException {
        if (recipe.framings().size() == 1) {
            return Result.fixed(recipe.framings().get(0));
        }
        long start = System.nanoTime();
        boolean[] inSample = HeadTrainer.holdoutMask(labels, classes, SAMPLE, new SplittableRandom(seed ^ 0xF4A3L));
        List<Path> sample = new ArrayList<>();
        List<Integer> sampleLabels = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            if (inSample[i]) {
                sample.add(files.apply(train.get(i)));
                sampleLabels.add(labels[i]);
            }
        }
        Recipe quick = recipe.toBuilder().weightDecayCandidates(List.of()).holdoutFraction(HELD_OUT).minSteps(0).build();
        List<Candidate> candidates = new ArrayList<>();
        for (Framing framing : recipe.framings()) {
            FeatureExtractor.Result features;
            try (FeatureExtractor extractor = extractors.open(base.withFraming(framing))) {
                features = extractor.extract(sample, i -> List.of(View.CENTER), progress);
            }
            candidates.add(score(framing, features, sampleLabels, classes, quick, seed));
        }
        Candidate best = candidates.stream().min((a, b) -> Double.compare(a.holdoutLoss(), b.holdoutLoss())).orElseThrow();
        return new Result(best.framing(), candidates, sample.size(), (System.nanoTime() - start) / 1e9);
    }

    /** A quick head on 70 % of the sample's features; its best loss and accuracy on the other 30 %. */
    private static Candidate score(Framing framing, FeatureExtractor.Result features, List<Integer> sampleLabels, int classes,
                                   Recipe quick, long seed) {
        List<float[][]> views = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < sampleLabels.size(); i++) {
            if (features.features()[i] != null) {
                views.add(features.features()[i]);
                kept.add(sampleLabels.get(i));
            }
        }
        try {
            HeadTrainer.Result head = new HeadTrainer(quick, seed).train(views.toArray(float[][][]::new),
                    kept.stream().mapToInt(Integer::intValue).toArray(), classes, Progress.NONE);
            HeadTrainer.Epoch best = head.history().get(head.bestEpoch() - 1);
            return new Candidate(framing, best.holdoutLoss(), best.holdoutAccuracy());
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("the head's training graph failed: " + e.getMessage(), e);
        }
    }
}

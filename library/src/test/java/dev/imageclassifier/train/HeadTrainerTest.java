package dev.imageclassifier.train;

import dev.imageclassifier.Device;
import dev.imageclassifier.Progress;
import dev.imageclassifier.model.RuntimeOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HeadTrainerTest {

    private static final RuntimeOptions TWO_THREADS = new RuntimeOptions(2, Device.CPU);

    /** Three Gaussian blobs in 16 dimensions, far apart: a linearly separable problem. */
    private static float[][][] blobs(int perClass, long seed, int[] labelsOut) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][][] views = new float[3 * perClass][][];
        for (int i = 0; i < views.length; i++) {
            int label = i % 3;
            labelsOut[i] = label;
            float[] x = new float[16];
            for (int d = 0; d < x.length; d++) {
                x[d] = (float) (random.nextGaussian() * 0.5 + (d % 3 == label ? 3 : 0) + 1);
            }
            views[i] = new float[][] {x};
        }
        return views;
    }

    private static double accuracy(LinearHead head, float[][][] views, int[] labels) {
        int correct = 0;
        for (int i = 0; i < views.length; i++) {
            correct += Metrics.argmax(head.logits(views[i][0])) == labels[i] ? 1 : 0;
        }
        return (double) correct / views.length;
    }

    @Test
    void theSgdRecipeLearnsASeparableProblem() throws Exception {
        int[] labels = new int[300];
        float[][][] train = blobs(100, 1, labels);
        int[] testLabels = new int[150];
        float[][][] test = blobs(50, 2, testLabels);
        HeadTrainer.Result result = new HeadTrainer(Recipe.DEFAULT_SGD.toBuilder().epochs(15).build(), 42).train(train, labels, 3, Progress.NONE);
        assertThat(accuracy(result.head(), test, testLabels)).isGreaterThanOrEqualTo(0.98);
        assertThat(result.holdoutImages()).isEqualTo(30); // 10 % of each class, from the TRAINING images
        assertThat(result.bestEpoch()).isBetween(1, result.history().size());
    }

    @Test
    void theSeedRecipeFollowsItsScheduleAndLearnsToo() throws Exception {
        int[] labels = new int[300];
        float[][][] train = blobs(100, 1, labels);
        HeadTrainer.Result result = new HeadTrainer(Recipe.REFERENCE, 42).train(train, labels, 3, Progress.NONE);
        assertThat(result.history()).hasSize(5);
        assertThat(result.history()).allSatisfy(epoch -> assertThat(epoch.learningRate()).isEqualTo(0.001));
        assertThat(result.history().get(4).trainLoss()).isLessThan(result.history().get(0).trainLoss());
        assertThat(accuracy(result.head(), train, labels)).isGreaterThan(0.9);
    }

    @Test
    void oneViewPerEpochWalksThroughTheCachedViews() throws Exception {
        // Two views per image: the first carries the signal, the second is noise. Seeing only view 0 in even
        // epochs and view 1 in odd ones, a one-epoch run learns from the signal alone.
        int[] labels = new int[300];
        float[][][] blobs = blobs(100, 1, labels);
        float[][][] twoViews = new float[300][][];
        for (int i = 0; i < 300; i++) {
            twoViews[i] = new float[][] {blobs[i][0], new float[16]};
        }
        Recipe recipe = Recipe.builder("one-view").learningRate(0.05).batchSize(16).epochs(1).centerView(false).augmentedViews(2)
                .oneViewPerEpoch(true).build();
        HeadTrainer.Result result = new HeadTrainer(recipe, 42).train(twoViews, labels, 3, Progress.NONE);
        assertThat(accuracy(result.head(), blobs, labels)).isGreaterThan(0.95);
    }

    @Test
    void theLearningRateStepsDownEveryStepSizeEpochs() throws Exception {
        Recipe recipe = Recipe.builder("test").learningRate(1.0).batchSize(8).epochs(5).stepSize(2).gamma(0.5).build();
        assertThat(recipe.learningRateAt(0)).isEqualTo(1.0);
        assertThat(recipe.learningRateAt(1)).isEqualTo(1.0);
        assertThat(recipe.learningRateAt(2)).isEqualTo(0.5);
        assertThat(recipe.learningRateAt(4)).isEqualTo(0.25);
        assertThat(Recipe.REFERENCE.learningRateAt(6)).isEqualTo(0.001);
        assertThat(Recipe.REFERENCE.learningRateAt(7)).isEqualTo(0.001 * 0.1, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aSmallTrainingSetGetsTheMinimumOfStepsThroughAStretchedSchedule() {
        Recipe recipe = Recipe.builder("stretch").batchSize(100).epochs(10).stepSize(4).patience(3).minSteps(100).build();
        assertThat(recipe.forRows(1000)).isSameAs(recipe);             // 10 steps an epoch: 100 steps already
        Recipe stretched = recipe.forRows(250);                          // 3 steps an epoch: 30 in 10 epochs
        assertThat(stretched.epochs()).isEqualTo(40);                    // × 4 → 120 steps ≥ 100
        assertThat(stretched.stepSize()).isEqualTo(16);
        assertThat(stretched.patience()).isEqualTo(12);
        assertThat(Recipe.REFERENCE.forRows(10)).isSameAs(Recipe.REFERENCE);       // the reference recipe stays exact
    }

    @Test
    void trainingIsDeterministicForASeed() throws Exception {
        int[] labels = new int[90];
        float[][][] train = blobs(30, 3, labels);
        Recipe recipe = Recipe.DEFAULT_SGD.toBuilder().epochs(4).build();
        LinearHead a = new HeadTrainer(recipe, 7, TWO_THREADS).train(train, labels, 3, Progress.NONE).head();
        LinearHead b = new HeadTrainer(recipe, 7, TWO_THREADS).train(train, labels, 3, Progress.NONE).head();
        LinearHead c = new HeadTrainer(recipe, 8, TWO_THREADS).train(train, labels, 3, Progress.NONE).head();
        assertThat(a.weights()).containsExactly(b.weights());
        assertThat(a.bias()).containsExactly(b.bias());
        assertThat(a.weights()).isNotEqualTo(c.weights());
    }

    @Test
    void severalHeadsAverageIntoOneLinearHead() throws Exception {
        // Without a hold-out, head h of a several-head run is the one-head run with headSeed(seed, h).
        int[] labels = new int[90];
        float[][][] train = blobs(30, 5, labels);
        Recipe one = Recipe.builder("plain").learningRate(0.05).batchSize(16).epochs(4).weightDecay(1e-4).build();
        LinearHead pair = new HeadTrainer(one.toBuilder().heads(2).build(), 7).train(train, labels, 3, Progress.NONE).head();
        LinearHead first = new HeadTrainer(one, HeadTrainer.headSeed(7, 0)).train(train, labels, 3, Progress.NONE).head();
        LinearHead second = new HeadTrainer(one, HeadTrainer.headSeed(7, 1)).train(train, labels, 3, Progress.NONE).head();
        assertThat(first.weights()).isNotEqualTo(second.weights());
        for (int i = 0; i < pair.weights().length; i++) {
            assertThat(pair.weights()[i]).isCloseTo((first.weights()[i] + second.weights()[i]) / 2, within(1e-5f));
        }
        for (int c = 0; c < pair.bias().length; c++) {
            assertThat(pair.bias()[c]).isCloseTo((first.bias()[c] + second.bias()[c]) / 2, within(1e-5f));
        }
    }

    @Test
    void severalHeadsAreDeterministicAndShareOneEarlyStop() throws Exception {
        int[] labels = new int[300];
        float[][][] train = blobs(100, 6, labels);
        Recipe recipe = Recipe.DEFAULT_SGD.toBuilder().epochs(6).heads(3).minSteps(0).build();
        HeadTrainer.Result a = new HeadTrainer(recipe, 11).train(train, labels, 3, Progress.NONE);
        HeadTrainer.Result b = new HeadTrainer(recipe, 11).train(train, labels, 3, Progress.NONE);
        assertThat(a.head().weights()).containsExactly(b.head().weights());
        assertThat(a.history()).hasSizeLessThanOrEqualTo(6).isEqualTo(b.history());
        assertThat(a.bestEpoch()).isBetween(1, a.history().size());
        assertThat(accuracy(a.head(), train, labels)).isGreaterThan(0.98);
    }

    @Test
    void earlyStoppingKeepsTheBestEpochOnTheHoldOut() throws Exception {
        // Pure noise: nothing generalises, so the hold-out score stops improving almost at once.
        SplittableRandom random = new SplittableRandom(9);
        int[] labels = new int[300];
        float[][][] noise = new float[300][][];
        for (int i = 0; i < noise.length; i++) {
            labels[i] = i % 3;
            float[] x = new float[16];
            for (int d = 0; d < x.length; d++) {
                x[d] = (float) random.nextGaussian();
            }
            noise[i] = new float[][] {x};
        }
        Recipe recipe = Recipe.builder("patient").learningRate(0.5).batchSize(16).epochs(40).stepSize(100).holdoutFraction(0.2).patience(2).build();
        HeadTrainer.Result result = new HeadTrainer(recipe, 42).train(noise, labels, 3, Progress.NONE);
        assertThat(result.history().size()).isLessThan(40);
        assertThat(result.history().size()).isEqualTo(result.bestEpoch() + 2); // stopped two epochs after the best
        HeadTrainer.Epoch best = result.history().get(result.bestEpoch() - 1);
        assertThat(result.history()).allSatisfy(e -> assertThat(e.holdoutLoss()).isGreaterThanOrEqualTo(best.holdoutLoss()));
    }

    @Test
    void theHeadIsInOnnxGemmLayoutAndGivesProbabilities() throws Exception {
        int[] labels = new int[90];
        float[][][] train = blobs(30, 4, labels);
        LinearHead head = new HeadTrainer(Recipe.DEFAULT_SGD.toBuilder().epochs(3).build(), 1).train(train, labels, 3, Progress.NONE).head();
        assertThat(accuracy(head, train, labels)).isGreaterThan(0.95);
        float[] p = head.probabilities(train[0][0]);
        double sum = 0;
        for (float v : p) {
            sum += v;
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    /** Few noisy samples in many dimensions, ten of which carry the class: weak decay memorises the noise. */
    private static float[][][] noisy(int perClass, long seed, int[] labelsOut) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][][] views = new float[2 * perClass][][];
        for (int i = 0; i < views.length; i++) {
            int label = i % 2;
            labelsOut[i] = random.nextDouble() < 0.15 ? 1 - label : label; // 15 % of the labels are wrong
            float[] x = new float[400];
            for (int d = 0; d < x.length; d++) {
                x[d] = (float) (random.nextGaussian() * 2);
            }
            for (int d = 0; d < 10; d++) {
                x[d] += label == 0 ? -1f : 1f;
            }
            views[i] = new float[][] {x};
        }
        return views;
    }

    @Test
    void theHoldOutChoosesTheStrongerWeightDecayOnANoisyProblem() throws Exception {
        int[] labels = new int[120];
        float[][][] train = noisy(60, 21, labels);
        int[] testLabels = new int[2000];
        float[][][] test = noisy(1000, 22, testLabels);
        Recipe choosing = Recipe.DEFAULT_SGD.toBuilder().heads(1).holdoutFraction(0.25).epochs(40).patience(10)
                .weightDecayCandidates(List.of(1e-5, 0.3)).build();
        HeadTrainer.Result chosen = new HeadTrainer(choosing, 5).train(train, labels, 2, Progress.NONE);
        assertThat(chosen.candidates()).extracting(HeadTrainer.Candidate::weightDecay).containsExactly(1e-5, 0.3);
        assertThat(chosen.candidates().get(1).holdoutLoss()).isLessThan(chosen.candidates().get(0).holdoutLoss());
        assertThat(chosen.weightDecay()).isEqualTo(0.3);

        Recipe weak = choosing.toBuilder().weightDecay(1e-5).weightDecayCandidates(List.of()).build();
        HeadTrainer.Result fixed = new HeadTrainer(weak, 5).train(train, labels, 2, Progress.NONE);
        assertThat(fixed.candidates()).isEmpty();
        assertThat(accuracy(chosen.head(), test, testLabels)).isGreaterThan(accuracy(fixed.head(), test, testLabels));
    }

    @Test
    void aHeadTrainedOnTheSameFeaturesWithTheSameSettingsIsReadBackNotTrainedAgain(@org.junit.jupiter.api.io.TempDir
                                                                                     java.nio.file.Path dir) throws Exception {
        int[] labels = new int[300];
        float[][][] train = blobs(100, 1, labels);
        Recipe recipe = Recipe.DEFAULT_SGD.toBuilder().epochs(5).heads(2).build();
        TrainedHeads trained = new TrainedHeads(dir);
        HeadTrainer.Result first = new HeadTrainer(recipe, 42, TWO_THREADS, trained).train(train, labels, 3, Progress.NONE);
        HeadTrainer.Result again = new HeadTrainer(recipe, 42, TWO_THREADS, trained).train(train, labels, 3, Progress.NONE);

        // the same head, and no time spent training it the second time
        assertThat(first.seconds()).isPositive();
        assertThat(again.head().weights()).isEqualTo(first.head().weights());
        assertThat(again.head().bias()).isEqualTo(first.head().bias());
        assertThat(again.seconds()).isZero();
        assertThat(again.history()).hasSameSizeAs(first.history());
        assertThat(again.candidates()).isEqualTo(first.candidates());
        assertThat(again.weightDecay()).isEqualTo(first.weightDecay());

        // another seed, or one changed feature, is another training
        HeadTrainer.Result otherSeed = new HeadTrainer(recipe, 43, TWO_THREADS, trained).train(train, labels, 3, Progress.NONE);
        assertThat(otherSeed.seconds()).isPositive();
        train[0][0][0] += 1;
        HeadTrainer.Result otherFeatures = new HeadTrainer(recipe, 42, TWO_THREADS, trained).train(train, labels, 3, Progress.NONE);
        assertThat(otherFeatures.seconds()).isPositive();
    }
}

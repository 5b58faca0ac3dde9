package dev.imageclassifier.audit;

import dev.imageclassifier.train.LinearHead;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Out-of-fold predicted probabilities: the images are dealt into {@code k} folds, stratified by class, and
 * each fold is predicted by a head fitted on the other folds, so no image's probabilities come from a head
 * that saw its own label (Northcutt et al., "Confident Learning", 2021, §4). The folds' heads are fitted side by side
 * on the caller's pool.
 */
public final class OutOfFold {

    private OutOfFold() {
    }

    /**
     * @param features one vector per image; null for an image without features (its row stays null)
     * @param labels   class index per image
     * @param folds    how many folds (at least 2)
     * @param done     hears each fold as it is done
     * @return per image, its probability for every class, from the head that did not see it
     */
    public static float[][] probabilities(float[][] features, int[] labels, int classes, int folds, long seed, HeadFitter fitter,
                                          ExecutorService pool, IntConsumer done) throws IOException {
        int[] fold = assign(features, labels, classes, folds, seed);
        float[][] out = new float[features.length][];
        List<Future<?>> running = new ArrayList<>();
        for (int f = 0; f < folds; f++) {
            int current = f;
            running.add(pool.submit(() -> {
                List<float[]> x = new ArrayList<>();
                List<Integer> y = new ArrayList<>();
                for (int i = 0; i < features.length; i++) {
                    if (features[i] != null && fold[i] != current) {
                        x.add(features[i]);
                        y.add(labels[i]);
                    }
                }
                LinearHead head = fitter.fit(x.toArray(float[][]::new), y.stream().mapToInt(Integer::intValue).toArray(), classes);
                for (int i = 0; i < features.length; i++) {
                    if (features[i] != null && fold[i] == current) {
                        out[i] = head.probabilities(features[i]);
                    }
                }
                done.accept(current);
                return null;
            }));
        }
        for (Future<?> fit : running) {
            await(fit);
        }
        return out;
    }

    /** The task's result; its failure as an IOException (the head's solver) or unchecked. */
    static <T> T await(Future<T> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fitting heads", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e.getCause() instanceof RuntimeException unchecked ? unchecked : new IllegalStateException(e.getCause());
        }
    }

    /** The fold of each image: each class's images shuffled (seeded) and dealt round-robin; -1 without features. */
    static int[] assign(float[][] features, int[] labels, int classes, int folds, long seed) {
        int[] fold = new int[labels.length];
        java.util.Arrays.fill(fold, -1);
        Random random = new Random(seed);
        int next = 0;
        for (int c = 0; c < classes; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c && features[i] != null) {
                    members.add(i);
                }
            }
            Collections.shuffle(members, random);
            for (int member : members) { // continuing the deal across classes keeps the folds' sizes even
                fold[member] = next;
                next = (next + 1) % folds;
            }
        }
        return fold;
    }
}

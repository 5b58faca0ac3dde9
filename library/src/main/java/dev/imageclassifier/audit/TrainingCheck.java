package dev.imageclassifier.audit;

import dev.imageclassifier.model.RuntimeOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data check a training run prints, from the features it already has: validation images that look like copies
 * of training images (their features alone; the full audit also compares the pictures), and small classes. One
 * matrix product of the validation images against the training images: a second or two for Caltech-101.
 */
public final class TrainingCheck {

    /** @param copies validation images whose features match a training image's; {@code smallClasses} classes under 10 images */
    public record Summary(int copies, int valImages, List<String> smallClasses, int smallest, int largest) {

        /** In words, facts only. */
        public String describe() {
            String copied = String.format(Locale.ROOT, "%d of %d validation images have a near-identical training image", copies, valImages);
            String sizes = String.format(Locale.ROOT, "classes hold %d to %d images", smallest, largest)
                    + (smallClasses.isEmpty() ? "" : ", " + smallClasses.size() + " under 10 (" + String.join(", ",
                    smallClasses.subList(0, Math.min(5, smallClasses.size()))) + (smallClasses.size() > 5 ? ", …" : "") + ")");
            return "Data check: " + copied + "; " + sizes;
        }
    }

    private TrainingCheck() {
    }

    /**
     * @param features per image its centre-view feature (null: unusable)
     * @param training per image, true for a training image
     * @param labels   per image its class name
     */
    public static Summary of(float[][] features, boolean[] training, List<String> labels, RuntimeOptions runtime)
            throws ai.onnxruntime.OrtException {
        List<float[]> train = new ArrayList<>();
        List<float[]> val = new ArrayList<>();
        float[][] unit = Similarity.normalised(features);
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < unit.length; i++) {
            counts.merge(labels.get(i), 1, Integer::sum);
            if (unit[i] != null) {
                (training[i] ? train : val).add(unit[i]);
            }
        }
        float[] nearest = Similarity.nearest(val.toArray(float[][]::new), train.toArray(float[][]::new), runtime);
        int copies = 0;
        for (float cosine : nearest) {
            copies += cosine >= Duplicates.CANDIDATE_COSINE ? 1 : 0;
        }
        List<String> small = counts.entrySet().stream().filter(e -> e.getValue() < 10).map(Map.Entry::getKey).toList();
        int smallest = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        int largest = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return new Summary(copies, val.size(), small, smallest, largest);
    }
}

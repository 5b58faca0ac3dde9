package dev.imageclassifier.quantize;

import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The images quantization works on: calibration images (activation ranges are measured on them) and
 * labelled validation images (float and int8 are compared on them).
 */
public record QuantizationImages(List<Path> calibration, List<Path> validation, List<String> validationLabels) {

    public QuantizationImages {
        calibration = List.copyOf(calibration);
        validation = List.copyOf(validation);
        validationLabels = List.copyOf(validationLabels);
        if (validation.size() != validationLabels.size()) {
            throw new IllegalArgumentException(validation.size() + " validation images but " + validationLabels.size() + " labels");
        }
    }

    /**
     * {@code count} training images of the split, stratified (each class in proportion to its share of
     * the training images, largest remainders first) and seeded; all the validation images.
     */
    public static QuantizationImages fromSplit(SplitManifest split, int count, long seed) {
        List<Path> validation = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (LabeledImage image : split.subset(Subset.VAL)) {
            validation.add(split.resolve(image));
            labels.add(image.label());
        }
        List<Path> calibration = stratified(split.subset(Subset.TRAIN), count, seed).stream().map(split::resolve).toList();
        return new QuantizationImages(calibration, validation, labels);
    }

    static List<LabeledImage> stratified(List<LabeledImage> images, int count, long seed) {
        Map<String, List<LabeledImage>> byClass = new LinkedHashMap<>();
        images.stream().sorted(Comparator.comparing(LabeledImage::label).thenComparing(LabeledImage::path))
                .forEach(image -> byClass.computeIfAbsent(image.label(), k -> new ArrayList<>()).add(image));
        int wanted = Math.min(count, images.size());
        Map<String, Integer> quota = new LinkedHashMap<>();
        List<Map.Entry<String, Double>> remainders = new ArrayList<>();
        int given = 0;
        for (Map.Entry<String, List<LabeledImage>> entry : byClass.entrySet()) {
            double exact = (double) wanted * entry.getValue().size() / images.size();
            quota.put(entry.getKey(), (int) exact);
            given += (int) exact;
            remainders.add(Map.entry(entry.getKey(), exact - (int) exact));
        }
        remainders.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        for (int i = 0; given < wanted; i++, given++) {
            quota.merge(remainders.get(i).getKey(), 1, Integer::sum);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<LabeledImage> picked = new ArrayList<>();
        for (Map.Entry<String, List<LabeledImage>> entry : byClass.entrySet()) {
            List<LabeledImage> shuffled = new ArrayList<>(entry.getValue());
            for (int i = shuffled.size() - 1; i > 0; i--) {
                java.util.Collections.swap(shuffled, i, random.nextInt(i + 1));
            }
            picked.addAll(shuffled.subList(0, quota.get(entry.getKey())));
        }
        return picked;
    }
}

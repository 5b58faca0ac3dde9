package dev.imageclassifier;

import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;
import dev.imageclassifier.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A split with a share of its TRAINING labels flipped to another class at random (seeded), for measuring how well
 * the audit finds label errors: the validation images keep their labels. In the test-jar, and runnable:
 * {@code java -cp image-classifier-tests.jar:image-classifier.jar dev.imageclassifier.NoisySplit IN OUT 0.03 7}
 * writes OUT and OUT's flipped list beside it ({@code <out>.flipped.csv}: path, true label, given label).
 */
public final class NoisySplit {

    /** @param path the image; {@code truth} its real label; {@code given} the wrong one it now has */
    public record Flip(String path, String truth, String given) {
    }

    private NoisySplit() {
    }

    /** Flips {@code round(fraction × training images)} training labels, each to a different class chosen at random. */
    public static List<Flip> write(Path in, Path out, double fraction, long seed) throws IOException, DatasetException {
        SplitManifest manifest = SplitManifest.read(in);
        List<String> labels = manifest.labels();
        List<Integer> training = new ArrayList<>();
        for (int i = 0; i < manifest.images().size(); i++) {
            if (manifest.images().get(i).subset() == Subset.TRAIN) {
                training.add(i);
            }
        }
        Random random = new Random(seed);
        Collections.shuffle(training, random);
        int count = (int) Math.round(fraction * training.size());
        List<LabeledImage> images = new ArrayList<>(manifest.images());
        List<Flip> flips = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int i = training.get(k);
            LabeledImage image = images.get(i);
            String other;
            do {
                other = labels.get(random.nextInt(labels.size()));
            } while (other.equals(image.label()));
            images.set(i, new LabeledImage(image.path(), other, image.subset()));
            flips.add(new Flip(image.path(), image.label(), other));
        }
        new SplitManifest(manifest.root(), manifest.seed(), manifest.valFraction(), images, manifest.filesFingerprint()).write(out);
        StringBuilder csv = new StringBuilder("path,truth,given\n");
        flips.forEach(f -> csv.append(f.path()).append(',').append(f.truth()).append(',').append(f.given()).append('\n'));
        AtomicFiles.write(Path.of(out + ".flipped.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        return flips;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: NoisySplit IN_SPLIT OUT_SPLIT FRACTION SEED");
            System.exit(2);
        }
        List<Flip> flips = write(Path.of(args[0]), Path.of(args[1]), Double.parseDouble(args[2]), Long.parseLong(args[3]));
        System.out.println("Wrote " + args[1] + " with " + flips.size() + " training labels flipped; the list: " + args[1] + ".flipped.csv");
    }
}

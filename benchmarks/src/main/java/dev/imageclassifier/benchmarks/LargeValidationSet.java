package dev.imageclassifier.benchmarks;

import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;
import dev.imageclassifier.io.AtomicFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The validation images of a split as phone-sized photos ({@link LargePhoto}), with a split manifest of
 * their own, so {@code evaluate}, {@code predict} and feature extraction can be measured on the photos
 * users send: {@code java -cp image-classifier.jar dev.imageclassifier.cli.bench.LargeValidationSet
 * data/split.csv OUT [MEGAPIXELS=12]} writes {@code OUT/<same paths>} and {@code OUT/split.csv}.
 */
public final class LargeValidationSet {

    private LargeValidationSet() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: LargeValidationSet SPLIT_CSV OUT_DIR [MEGAPIXELS]");
            System.exit(2);
        }
        SplitManifest split = SplitManifest.read(Path.of(args[0]));
        Path out = Path.of(args[1]);
        double megapixels = args.length > 2 ? Double.parseDouble(args[2]) : 12;
        List<LabeledImage> val = split.subset(Subset.VAL);
        AtomicInteger done = new AtomicInteger();
        val.parallelStream().forEach(image -> {
            Path target = out.resolve(image.path());
            try {
                if (!Files.isRegularFile(target)) { // resumable: made photos are kept
                    byte[] photo = LargePhoto.jpeg(Files.readAllBytes(split.resolve(image)), megapixels, image.path().hashCode());
                    AtomicFiles.writeUnsynced(target, photo);
                }
            } catch (Exception e) {
                throw new IllegalStateException(image.path() + ": " + e.getMessage(), e);
            }
            if (done.incrementAndGet() % 100 == 0) {
                System.err.printf("%d / %d photos%n", done.get(), val.size());
            }
        });
        new SplitManifest(out, split.seed(), split.valFraction(), val, split.filesFingerprint()).write(out.resolve("split.csv"));
        System.out.printf("Wrote %d photos of about %.0f MP and %s%n", val.size(), megapixels, out.resolve("split.csv"));
    }
}

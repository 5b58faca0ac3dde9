package dev.imageclassifier.benchmarks;

import dev.imageclassifier.DatasetSplit;
import dev.imageclassifier.ModelSpeed;
import dev.imageclassifier.io.AtomicFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The validation images of a split as phone-sized photos ({@link ModelSpeed#phonePhoto}), with a split manifest
 * of their own, so {@code evaluate}, {@code predict} and feature extraction can be measured on the photos
 * users send: {@code LargeValidationSet data/split.csv OUT [MEGAPIXELS=12] [EVERY=1]} writes (every {@code EVERY}-th
 * validation image only, for a quicker sample) {@code OUT/<same paths>}
 * and {@code OUT/split.csv} (scripts/benchmarks/benchmark-large-photos.sh runs it).
 */
public final class LargeValidationSet {

    private LargeValidationSet() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: LargeValidationSet SPLIT_CSV OUT_DIR [MEGAPIXELS] [EVERY]");
            System.exit(2);
        }
        DatasetSplit split = DatasetSplit.read(Path.of(args[0]));
        Path out = Path.of(args[1]);
        double megapixels = args.length > 2 ? Double.parseDouble(args[2]) : 12;
        int every = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        List<DatasetSplit.Image> allVal = split.images().stream().filter(i -> !i.training()).toList();
        List<DatasetSplit.Image> val = java.util.stream.IntStream.range(0, allVal.size()).filter(i -> i % every == 0)
                .mapToObj(allVal::get).toList();
        Map<String, Long> sizes = new ConcurrentHashMap<>();
        AtomicInteger done = new AtomicInteger();
        val.parallelStream().forEach(image -> {
            Path target = out.resolve(image.path());
            try {
                if (!Files.isRegularFile(target)) { // resumable: made photos are kept
                    byte[] photo = ModelSpeed.phonePhoto(Files.readAllBytes(split.root().resolve(image.path())), megapixels,
                            image.path().hashCode());
                    AtomicFiles.writeUnsynced(target, photo);
                }
                sizes.put(image.path(), Files.size(target));
            } catch (Exception e) {
                throw new IllegalStateException(image.path() + ": " + e.getMessage(), e);
            }
            if (done.incrementAndGet() % 100 == 0) {
                System.err.printf("%d / %d photos%n", done.get(), val.size());
            }
        });
        // every image keeps its side (validation): the manifest is a pre-split one
        DatasetSplit.ofImages(out, val, sizes, split.seed(), 0.2).write(out.resolve("split.csv"));
        System.out.printf("Wrote %d photos of about %.0f MP and %s%n", val.size(), megapixels, out.resolve("split.csv"));
    }
}

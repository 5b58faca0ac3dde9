package dev.imageclassifier.data;

import dev.imageclassifier.DatasetException;
import dev.imageclassifier.io.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The seeded, stratified train/validation split: every class is shuffled on its own (seed mixed with
 * the class name, so adding a class never reshuffles the others) and {@code round(n × fraction)} of
 * its images, at least one and at most n − 1, go to validation.
 */
public final class StratifiedSplitter {

    private StratifiedSplitter() {
    }

    public static SplitManifest split(DatasetScanner.Result scan, long seed, double valFraction) throws DatasetException {
        return split(scan.root(), scan.images(), scan.presplit(), filesFingerprint(scan), seed, valFraction);
    }

    /**
     * The split of images found another way (e.g. listed by Spark on a Hadoop file system).
     *
     * @param presplit        the images' subsets come from {@code train/} and {@code val/} folders
     * @param filesFingerprint see {@link #filesFingerprint(Map)}
     */
    public static SplitManifest split(Path root, List<LabeledImage> found, boolean presplit, String filesFingerprint, long seed,
                                      double valFraction) throws DatasetException {
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new DatasetException(DatasetException.Problem.BAD_VALIDATION_FRACTION, Double.toString(valFraction),
                    "the share of each class held out for validation must be between 0 and 1 (exclusive), not " + valFraction);
        }
        List<LabeledImage> out = new ArrayList<>();
        for (Map.Entry<String, List<LabeledImage>> group : DatasetScanner.byLabel(found).entrySet()) {
            String label = group.getKey();
            List<LabeledImage> images = new ArrayList<>(group.getValue());
            images.sort(Comparator.comparing(LabeledImage::path));
            if (presplit) {
                out.addAll(images);
                continue;
            }
            if (images.size() < 2) {
                throw new DatasetException(DatasetException.Problem.CLASS_TOO_SMALL, label, "Class '" + label + "' has "
                        + images.size() + " image; every class needs at least 2 (one to train on, one to validate)");
            }
            SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * label.hashCode()));
            for (int i = images.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                LabeledImage swap = images.get(i);
                images.set(i, images.get(j));
                images.set(j, swap);
            }
            int val = (int) Math.max(1, Math.min(images.size() - 1, Math.round(images.size() * valFraction)));
            for (int i = 0; i < images.size(); i++) {
                LabeledImage image = images.get(i);
                out.add(new LabeledImage(image.path(), label, i < val ? Subset.VAL : Subset.TRAIN));
            }
        }
        if (presplit) {
            checkPresplit(out);
        }
        out.sort(Comparator.comparing(LabeledImage::label).thenComparing(LabeledImage::path));
        return new SplitManifest(root, seed, valFraction, out, filesFingerprint);
    }

    private static void checkPresplit(List<LabeledImage> images) throws DatasetException {
        List<String> trainLabels = images.stream().filter(i -> i.subset() == Subset.TRAIN).map(LabeledImage::label).distinct().toList();
        for (String label : images.stream().map(LabeledImage::label).distinct().toList()) {
            if (!trainLabels.contains(label)) {
                throw new DatasetException("Class '" + label + "' is in val/ but has no images in train/");
            }
        }
        if (images.stream().noneMatch(i -> i.subset() == Subset.VAL)) {
            throw new DatasetException("The val/ folder has no images");
        }
    }

    /** SHA-256 over the sorted (path, size) list: changes when a file is added, removed or replaced by another size. */
    static String filesFingerprint(DatasetScanner.Result scan) throws DatasetException {
        Map<String, Long> sizes = new TreeMap<>();
        for (LabeledImage image : scan.images()) {
            try {
                sizes.put(image.path(), Files.size(scan.root().resolve(image.path())));
            } catch (IOException e) {
                throw new DatasetException("Cannot read " + image.path() + ": " + e.getMessage(), e);
            }
        }
        return filesFingerprint(sizes);
    }

    /** The files fingerprint of images with these sizes in bytes, keyed by their path relative to the root. */
    public static String filesFingerprint(Map<String, Long> sizeByPath) {
        StringBuilder list = new StringBuilder();
        new TreeMap<>(sizeByPath).forEach((path, size) -> list.append(path).append('\t').append(size).append('\n'));
        return Sha256.of(list.toString());
    }

    /** Hard-links the split into {@code <out>/train/<class>/} and {@code <out>/val/<class>/} for browsing. */
    public static int materialize(SplitManifest manifest, Path out) throws IOException {
        int linked = 0;
        for (LabeledImage image : manifest.images()) {
            Path target = out.resolve(image.subset().id()).resolve(image.label())
                    .resolve(image.path().substring(image.path().indexOf('/') + 1).replace('/', '_'));
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target);
            Path source = manifest.resolve(image).toAbsolutePath();
            try {
                Files.createLink(target, source);
            } catch (IOException | UnsupportedOperationException e) {
                Files.createSymbolicLink(target, source); // another file system: a link still costs no space
            }
            linked++;
        }
        return linked;
    }
}

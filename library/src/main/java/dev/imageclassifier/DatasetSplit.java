package dev.imageclassifier;

import dev.imageclassifier.data.DatasetScanner;
import dev.imageclassifier.data.Deduplication;
import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.StratifiedSplitter;
import dev.imageclassifier.data.Subset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Labelled images split into training and validation images: found in a class-per-folder tree (images
 * recognised by content; a tree already split into {@code train/} and {@code val/} keeps its split) and
 * split with a seeded, stratified rule, or read from a split manifest ({@code split.csv}). The same folder
 * and seed give the same split, byte for byte.
 *
 * <pre>{@code
 * DatasetSplit split = DatasetSplit.builder(Path.of("photos")).seed(42).valFraction(0.2).build();
 * split.write(Path.of("data/split.csv"));
 * }</pre>
 */
public final class DatasetSplit {

    /** The class folder Caltech-101 ships as clutter, left out by default. */
    public static final String CALTECH_BACKGROUND = DatasetScanner.CALTECH_BACKGROUND;

    /**
     * One image of the split.
     *
     * @param path   relative to the dataset root, with '/' separators
     * @param label  its class
     * @param subset {@code train} or {@code val}
     */
    public record Image(String path, String label, String subset) {

        /** @return true for a training image, false for a validation image */
        public boolean training() {
            return "train".equals(subset);
        }
    }

    /**
     * A file found in the tree that is not a usable image.
     *
     * @param path   relative to the dataset root
     * @param reason why, in words
     */
    public record SkippedFile(String path, String reason) {
    }

    private final SplitManifest manifest;
    private final String source;
    private final String summary;
    private final boolean presplit;
    private final List<SkippedFile> skipped;
    private final List<String> dropped;

    private DatasetSplit(SplitManifest manifest, String source, String summary, boolean presplit, List<SkippedFile> skipped) {
        this(manifest, source, summary, presplit, skipped, List.of());
    }

    private DatasetSplit(SplitManifest manifest, String source, String summary, boolean presplit, List<SkippedFile> skipped,
                         List<String> dropped) {
        this.manifest = manifest;
        this.source = source;
        this.summary = summary;
        this.presplit = presplit;
        this.skipped = List.copyOf(skipped);
        this.dropped = List.copyOf(dropped);
    }

    /**
     * The split a manifest file describes.
     *
     * @param manifest a {@code split.csv} written by {@link #write}
     * @return the split
     * @throws DatasetException when the file is missing or not a split manifest
     */
    public static DatasetSplit read(Path manifest) throws DatasetException {
        SplitManifest read = SplitManifest.read(manifest);
        return new DatasetSplit(read, manifest.toString(), read.images().size() + " images", false, List.of());
    }

    /**
     * @param folder the dataset root: one sub-folder per class, or {@code train/} and {@code val/} holding class folders
     * @return a builder with seed 42, a fifth of each class for validation, and {@link #CALTECH_BACKGROUND} left out
     */
    public static Builder builder(Path folder) {
        return new Builder(folder);
    }

    /**
     * The split of images found another way, e.g. listed by Spark on a Hadoop file system, with the same
     * rule as {@link #builder}.
     *
     * @param root        the dataset root the paths are relative to
     * @param images      the images; {@code subset} null unless they come from {@code train/} and {@code val/} folders
     * @param sizes       each image's size in bytes, by path (for the fingerprint of the file list)
     * @param seed        the split's seed
     * @param valFraction share of each class held out for validation
     * @return the split
     * @throws DatasetException when a class has too few images, or the fraction is not in (0, 1)
     */
    public static DatasetSplit ofImages(Path root, List<Image> images, Map<String, Long> sizes, long seed, double valFraction)
            throws DatasetException {
        boolean presplit = !images.isEmpty() && images.stream().allMatch(i -> i.subset() != null);
        List<LabeledImage> found = images.stream()
                .map(i -> new LabeledImage(i.path(), i.label(), i.subset() == null ? null : Subset.parse(i.subset()))).toList();
        SplitManifest manifest = StratifiedSplitter.split(root, found, presplit, StratifiedSplitter.filesFingerprint(sizes), seed,
                valFraction);
        return new DatasetSplit(manifest, root.toString(), images.size() + " images", presplit, List.of());
    }

    /** @return the folder the image paths are relative to */
    public Path root() {
        return manifest.root();
    }

    /** @return where the split came from: the manifest file or the folder */
    public String source() {
        return source;
    }

    /** @return class names, sorted: the label order of every model trained on this split */
    public List<String> labels() {
        return manifest.labels();
    }

    /** @return every image with its side of the split */
    public List<Image> images() {
        List<Image> images = new ArrayList<>(manifest.images().size());
        manifest.images().forEach(i -> images.add(new Image(i.path(), i.label(), i.subset().id())));
        return images;
    }

    /** @return how many training images */
    public int trainImages() {
        return manifest.subset(Subset.TRAIN).size();
    }

    /** @return how many validation images */
    public int valImages() {
        return manifest.subset(Subset.VAL).size();
    }

    /** @return the seed the split was made with */
    public long seed() {
        return manifest.seed();
    }

    /** @return SHA-256 of the split's rows: two splits with the same fingerprint are the same split */
    public String fingerprint() {
        return manifest.fingerprint();
    }

    /** @return e.g. "8677 images in 101 classes" */
    public String summary() {
        return summary;
    }

    /** @return true when the folder was already split into {@code train/} and {@code val/} */
    public boolean presplit() {
        return presplit;
    }

    /** @return files of the folder that are not usable images (empty for a split read from a manifest) */
    public List<SkippedFile> skipped() {
        return skipped;
    }

    /** @return duplicate copies left out of the split when it was made (their files are untouched) */
    public List<String> dropped() {
        return dropped;
    }

    /**
     * This split without some of its training images, e.g. those an audit suspects: the validation images stay, so
     * accuracy is measured on the same images as before. Paths not in the split, or of validation images, are ignored.
     *
     * @param paths paths as the split names them
     * @return the smaller split (the same one when nothing matched)
     * @throws DatasetException when a class would be left without training images
     */
    public DatasetSplit withoutTraining(java.util.Collection<String> paths) throws DatasetException {
        Set<String> leave = new java.util.HashSet<>(paths);
        List<LabeledImage> kept = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (LabeledImage image : manifest.images()) {
            if (image.subset() == Subset.TRAIN && leave.contains(image.path())) {
                left.add(image.path());
            } else {
                kept.add(image);
            }
        }
        if (left.isEmpty()) {
            return this;
        }
        for (String label : manifest.labels()) {
            if (kept.stream().noneMatch(i -> i.subset() == Subset.TRAIN && i.label().equals(label))) {
                throw new DatasetException(DatasetException.Problem.CLASS_TOO_SMALL, label, "Class '" + label
                        + "' would have no training image left once the excluded images are left out");
            }
        }
        SplitManifest smaller = new SplitManifest(manifest.root(), manifest.seed(), manifest.valFraction(), kept,
                manifest.filesFingerprint());
        return new DatasetSplit(smaller, source, kept.size() + " images (" + left.size() + " training images excluded)", presplit,
                skipped, left);
    }

    /**
     * Writes the split manifest, atomically.
     *
     * @param file e.g. {@code data/split.csv}
     * @throws IOException when it cannot be written
     */
    public void write(Path file) throws IOException {
        manifest.write(file);
    }

    /**
     * Hard-links (or copies) the images into {@code out/train/<class>/} and {@code out/val/<class>/}, for browsing.
     *
     * @param out the folder to fill
     * @return how many images were linked
     * @throws IOException when a link or copy fails
     */
    public int linkInto(Path out) throws IOException {
        return StratifiedSplitter.materialize(manifest, out);
    }

    SplitManifest manifest() {
        return manifest;
    }

    /** Options of a split made from a folder. */
    public static final class Builder {
        private final Path folder;
        private long seed = 42;
        private double valFraction = 0.2;
        private Set<String> excluded = Set.of(CALTECH_BACKGROUND);
        private boolean dropExact;
        private List<List<String>> duplicateGroups = List.of();

        private Builder(Path folder) {
            this.folder = folder;
        }

        /**
         * @param value the seed of the split (default 42)
         * @return this builder
         */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * @param value share of each class held out for validation, in (0, 1) (default 0.2)
         * @return this builder
         */
        public Builder valFraction(double value) {
            valFraction = value;
            return this;
        }

        /**
         * @param classes class folders to leave out; replaces the default ({@link #CALTECH_BACKGROUND}); empty keeps all
         * @return this builder
         */
        public Builder exclude(Set<String> classes) {
            excluded = new LinkedHashSet<>(classes);
            return this;
        }

        /**
         * Leaves all but one copy of each duplicate out of the split (the files stay): the first path in sorted order
         * is kept, so the result is the same every time. The copies are dropped before the split is made, so no copy
         * ends up on the other side; in a tree already split into {@code train/} and {@code val/}, one copy per side
         * is kept, as the split is the user's.
         *
         * @param exact  also find files with the same bytes (each file is read once more)
         * @param groups duplicate groups found otherwise, e.g. an audit's near duplicates (paths relative to the folder)
         * @return this builder
         */
        public Builder dropDuplicates(boolean exact, List<List<String>> groups) {
            dropExact = exact;
            duplicateGroups = groups.stream().map(List::copyOf).toList();
            return this;
        }

        /**
         * Finds the images and splits them.
         *
         * @return the split
         * @throws DatasetException when the folder holds no class folders with images, or a class is too small to split
         */
        public DatasetSplit build() throws DatasetException {
            DatasetScanner.Result scan = DatasetScanner.scan(folder, excluded);
            List<String> dropped = List.of();
            if (dropExact || !duplicateGroups.isEmpty()) {
                Deduplication.Result dedup;
                try {
                    dedup = Deduplication.drop(scan.root(), scan.images(), dropExact, duplicateGroups);
                } catch (java.io.IOException e) {
                    throw new DatasetException("Cannot read an image of " + folder + " to compare it: " + e.getMessage(), e);
                }
                scan = new DatasetScanner.Result(scan.root(), dedup.kept(), scan.skipped(), scan.presplit());
                dropped = dedup.dropped();
            }
            SplitManifest manifest = StratifiedSplitter.split(scan, seed, valFraction);
            return new DatasetSplit(manifest, folder.toString(), scan.summary(), scan.presplit(),
                    scan.skipped().stream().map(s -> new SkippedFile(s.path(), s.reason())).toList(), dropped);
        }
    }
}

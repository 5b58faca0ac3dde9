package dev.imageclassifier.data;

import dev.imageclassifier.DatasetException;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.ImageFormat;
import dev.imageclassifier.InvalidImageException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Finds the labelled images of a class-per-folder tree ({@code root/<class>/**}), or of a tree already
 * split into {@code root/train/<class>} and {@code root/val/<class>}. Images are recognised by content:
 * the magic bytes and a readable header; everything else is skipped and reported.
 */
public final class DatasetScanner {

    /** Caltech-101's clutter class, excluded by convention. */
    public static final String CALTECH_BACKGROUND = "BACKGROUND_Google";

    private static final int HEADER_BYTES = 64 * 1024;
    /** Only headers are read here, so no pixel budget applies. */
    private static final ImageDecoder HEADER_READER = new ImageDecoder(Long.MAX_VALUE);

    /** What a scan found. */
    public record Result(Path root, List<LabeledImage> images, List<Skipped> skipped, boolean presplit) {

        public List<String> labels() {
            return images.stream().map(LabeledImage::label).distinct().sorted().toList();
        }

        /** "38 images in 2 classes", in good English for any count. */
        public String summary() {
            return count(images.size(), "image", "images") + " in " + count(labels().size(), "class", "classes");
        }
    }

    /** A file that was not used, and why. */
    public record Skipped(String path, String reason) {
    }

    private DatasetScanner() {
    }

    public static Result scan(Path root, Set<String> excludedClasses) throws DatasetException {
        if (!Files.exists(root)) {
            throw new DatasetException("Data folder not found: " + root.toAbsolutePath());
        }
        if (!Files.isDirectory(root)) {
            throw new DatasetException("Not a folder: " + root.toAbsolutePath() + " (expected one sub-folder per class)");
        }
        boolean presplit = Files.isDirectory(root.resolve("train")) && Files.isDirectory(root.resolve("val"));
        List<Path> classDirs = new ArrayList<>();
        if (presplit) {
            classDirs.addAll(subfolders(root.resolve("train")));
            classDirs.addAll(subfolders(root.resolve("val")));
        } else {
            classDirs.addAll(subfolders(root));
        }
        List<String> excludedHere = classDirs.stream().map(dir -> dir.getFileName().toString()).filter(excludedClasses::contains)
                .distinct().toList();
        classDirs.removeIf(dir -> excludedClasses.contains(dir.getFileName().toString()));
        if (classDirs.isEmpty()) {
            throw new DatasetException("No class folders in " + root.toAbsolutePath()
                    + ": expected one sub-folder per class holding its images (e.g. " + root.resolve("cats/001.jpg") + ")"
                    + (excludedClasses.isEmpty() ? "" : ", not counting the excluded " + excludedClasses));
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Path classDir : classDirs) {
            String label = classDir.getFileName().toString();
            Subset subset = presplit ? Subset.parse(classDir.getParent().getFileName().toString()) : null;
            try (Stream<Path> files = Files.walk(classDir, FileVisitOption.FOLLOW_LINKS)) {
                files.filter(Files::isRegularFile).forEach(file -> candidates.add(new Candidate(file, label, subset)));
            } catch (IOException | UncheckedIOException e) {
                throw new DatasetException("Cannot list " + classDir + ": " + e.getMessage(), e);
            }
        }
        candidates.sort(Comparator.comparing(c -> c.file.toString()));
        // Header checks are I/O bound and independent: use every core.
        List<String> verdicts = candidates.parallelStream().map(c -> checkImage(c.file)).toList();
        List<LabeledImage> images = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            String relative = relativePath(root, c.file);
            if (verdicts.get(i) == null) {
                images.add(new LabeledImage(relative, c.label, c.subset));
            } else {
                skipped.add(new Skipped(relative, verdicts.get(i)));
            }
        }
        if (images.isEmpty()) {
            throw new DatasetException("No images found under " + root.toAbsolutePath() + " (" + skipped.size()
                    + " files were not readable images)");
        }
        Result result = new Result(root, images, skipped, presplit);
        if (result.labels().size() < 2) {
            throw oneClass(result, classDirs, excludedHere);
        }
        return result;
    }

    /** One class cannot be classified; often the folder given is one level above the class folders. */
    private static DatasetException oneClass(Result result, List<Path> classDirs, List<String> excluded) throws DatasetException {
        String label = result.labels().get(0);
        Path classDir = classDirs.stream().filter(dir -> dir.getFileName().toString().equals(label)).findFirst().orElseThrow();
        List<Path> inner = subfolders(classDir);
        return new DatasetException(DatasetException.Problem.TOO_FEW_CLASSES, inner.isEmpty() ? null : classDir.toAbsolutePath().toString(),
                "Only one class under " + result.root().toAbsolutePath() + " ('" + label + "', "
                + count(result.images().size(), "image", "images") + "): a classifier needs at least two classes, one sub-folder each"
                + (inner.isEmpty() ? "" : "; '" + label + "' holds sub-folders, which may be the classes")
                + (excluded.isEmpty() ? "" : " (left out as asked: " + String.join(", ", excluded) + ")"));
    }

    static String count(long n, String singular, String plural) {
        return n + " " + (n == 1 ? singular : plural);
    }

    /** Null when the file is an image we can read, else the reason it is not. */
    static String checkImage(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEADER_BYTES);
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
        if (ImageFormat.sniff(head).isEmpty()) {
            return head.length == 0 ? "empty file" : "not an image";
        }
        try {
            HEADER_READER.probe(head);
            return null;
        } catch (InvalidImageException e) {
            if (head.length < HEADER_BYTES) {
                return e.getMessage();
            }
        }
        try { // the header did not fit in the first bytes (a big EXIF thumbnail): read it all
            HEADER_READER.probe(Files.readAllBytes(file));
            return null;
        } catch (InvalidImageException | IOException e) {
            return e.getMessage();
        }
    }

    private static List<Path> subfolders(Path dir) throws DatasetException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new DatasetException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    static String relativePath(Path root, Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    private record Candidate(Path file, String label, Subset subset) {
    }

    /** Groups images by label, labels sorted. */
    public static TreeMap<String, List<LabeledImage>> byLabel(List<LabeledImage> images) {
        TreeMap<String, List<LabeledImage>> groups = new TreeMap<>();
        for (LabeledImage image : images) {
            groups.computeIfAbsent(image.label(), k -> new ArrayList<>()).add(image);
        }
        return groups;
    }
}

package dev.imageclassifier;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a {@link DatasetAudit} found in a split. Paths are as the split names them (relative to {@link #root()},
 * with '/' separators); each list is ordered most important first. Nothing here changes the user's files:
 * {@link DatasetAudit#write} writes the findings, and training can leave the suspects out.
 *
 * @param source     where the split came from
 * @param root       the folder the paths are relative to
 * @param images     images audited
 * @param labels     class names
 * @param mislabeled images whose label is probably wrong, most likely first
 * @param duplicates groups of the same picture, leakage across the split first
 * @param files      files that are unreadable, cut off, tiny or of an extreme shape
 * @param outliers   images far from every class, farthest first
 * @param classes    images per class, on each side of the split
 * @param leakage    the validation accuracy of a head trained on the training images, with and without the leaked
 *                   validation images
 * @param backbone   the backbone whose features were compared
 * @param framing    how images were framed for it
 * @param seconds    how long the audit took
 */
public record AuditResult(String source, Path root, int images, List<String> labels, List<Suspect> mislabeled,
                          List<DuplicateGroup> duplicates, List<FileIssue> files, List<Outlier> outliers, List<ClassCount> classes,
                          Leakage leakage, String backbone, Framing framing, double seconds) {

    /**
     * An image whose label is probably wrong.
     *
     * @param path      as in the split
     * @param label     its label
     * @param suggested the class the out-of-fold heads confidently put it in
     * @param score     how sure, from 0 to 1: the probability of {@code suggested} minus that of {@code label}
     * @param training  true for a training image
     */
    public record Suspect(String path, String label, String suggested, double score, boolean training) {
    }

    /**
     * Files holding the same picture.
     *
     * @param paths      as in the split, in the split's order
     * @param labels     each one's label
     * @param training   each one's side of the split (true: training)
     * @param exact      the same bytes; otherwise a resized or re-encoded copy
     * @param crossSplit copies on both sides of the split: the validation copy is scored on a picture trained on
     * @param crossClass copies with different labels: at least one label is wrong
     * @param cosine     lowest feature cosine between copies that joined the group (1 for exact copies)
     */
    public record DuplicateGroup(List<String> paths, List<String> labels, List<Boolean> training, boolean exact, boolean crossSplit,
                                 boolean crossClass, double cosine) {


        /** @return "exact" or "near" */
        public String kind() {
            return exact ? "exact" : "near";
        }
    }

    /**
     * A file that is not a good training image.
     *
     * @param path    as in the split
     * @param label   its label
     * @param problem {@code unreadable}, {@code truncated}, {@code tiny} or {@code extreme_aspect}
     * @param detail  in words
     */
    public record FileIssue(String path, String label, String problem, String detail) {
    }

    /**
     * An image far from every class.
     *
     * @param path    as in the split
     * @param label   its label
     * @param nearest the class whose mean it is closest to
     * @param cosine  its feature cosine to that mean (lower is farther)
     */
    public record Outlier(String path, String label, String nearest, double cosine) {
    }

    /**
     * One class's images.
     *
     * @param label the class
     * @param train training images
     * @param val   validation images
     * @param small far fewer than the other classes: under 10, or under a fifth of the median class
     */
    public record ClassCount(String label, int train, int val, boolean small) {
    }

    /**
     * Leakage across the split and what it does to the measured accuracy.
     *
     * @param valImages            validation images with features
     * @param leaked               of them, those with a copy among the training images
     * @param accuracy             top-1 of a head trained on the training images, on all validation images
     * @param accuracyWithoutLeaked the same on the validation images without a copy (NaN when none is left)
     */
    public record Leakage(int valImages, int leaked, double accuracy, double accuracyWithoutLeaked) {
    }

    /** @return duplicate groups with copies on both sides of the split */
    public long crossSplitGroups() {
        return duplicates.stream().filter(DuplicateGroup::crossSplit).count();
    }

    /** @return the paths of the suspected label errors, the outliers and the problem files */
    public Set<String> suspectPaths() {
        Set<String> out = mislabeled.stream().map(Suspect::path).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        outliers.forEach(o -> out.add(o.path()));
        files.forEach(f -> out.add(f.path()));
        return out;
    }
}

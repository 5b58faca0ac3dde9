package dev.imageclassifier.data;

import dev.imageclassifier.DatasetException;
import dev.imageclassifier.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SplitTest {

    @TempDir
    Path dir;

    private static final byte[] JPEG = TestImages.jpeg(TestImages.halves(16, 16, BufferedImage.TYPE_INT_RGB));

    /** classes a, b, c with 10, 20 and 7 images; a few files that are not images. */
    private Path dataset() throws Exception {
        Path root = dir.resolve("images");
        int[] counts = {10, 20, 7};
        for (int c = 0; c < counts.length; c++) {
            Path classDir = Files.createDirectories(root.resolve(String.valueOf((char) ('a' + c))));
            for (int i = 0; i < counts[c]; i++) {
                Files.write(classDir.resolve(String.format("img_%03d.jpg", i)), JPEG);
            }
        }
        Files.write(root.resolve("a/notes.jpg"), "not a picture".getBytes(StandardCharsets.UTF_8));
        Files.write(root.resolve("b/noextension"), JPEG);          // an image without an extension counts
        Files.write(root.resolve("b/empty.png"), new byte[0]);
        Files.createDirectories(root.resolve("BACKGROUND_Google"));
        Files.write(root.resolve("BACKGROUND_Google/x.jpg"), JPEG);
        Files.write(root.resolve("BACKGROUND_Google/y.jpg"), JPEG);
        return root;
    }

    @Test
    void imagesAreFoundByContentAndTheRestIsCountedAsSkipped() throws Exception {
        DatasetScanner.Result scan = DatasetScanner.scan(dataset(), Set.of(DatasetScanner.CALTECH_BACKGROUND));
        assertThat(scan.labels()).containsExactly("a", "b", "c");
        assertThat(scan.images()).hasSize(10 + 21 + 7);
        assertThat(scan.images()).anyMatch(i -> i.path().equals("b/noextension"));
        assertThat(scan.skipped()).extracting(DatasetScanner.Skipped::path).containsExactlyInAnyOrder("a/notes.jpg", "b/empty.png");
        assertThat(scan.skipped()).extracting(DatasetScanner.Skipped::reason).contains("not an image", "empty file");
    }

    @Test
    void theSplitIsStratifiedEightyTwenty() throws Exception {
        SplitManifest split = StratifiedSplitter.split(DatasetScanner.scan(dataset(), Set.of()), 42, 0.2);
        Map<String, Long> val = split.subset(Subset.VAL).stream().collect(Collectors.groupingBy(LabeledImage::label, Collectors.counting()));
        assertThat(val).containsEntry("a", 2L).containsEntry("b", 4L).containsEntry("c", 1L).containsEntry("BACKGROUND_Google", 1L);
        assertThat(split.subset(Subset.TRAIN)).hasSize(split.images().size() - 8);
    }

    @Test
    void theSameInputsWriteTheSameBytesAndAnotherSeedAnotherSplit() throws Exception {
        Path root = dataset();
        StratifiedSplitter.split(DatasetScanner.scan(root, Set.of()), 42, 0.2).write(dir.resolve("one/split.csv"));
        StratifiedSplitter.split(DatasetScanner.scan(root, Set.of()), 42, 0.2).write(dir.resolve("two/split.csv"));
        StratifiedSplitter.split(DatasetScanner.scan(root, Set.of()), 7, 0.2).write(dir.resolve("three/split.csv"));
        byte[] one = Files.readAllBytes(dir.resolve("one/split.csv"));
        assertThat(Files.readAllBytes(dir.resolve("two/split.csv"))).isEqualTo(one);
        assertThat(SplitManifest.read(dir.resolve("three/split.csv")).fingerprint())
                .isNotEqualTo(SplitManifest.read(dir.resolve("one/split.csv")).fingerprint());
    }

    @Test
    void theManifestReadsBackWithPathsRelativeToItsFolder() throws Exception {
        Path root = dataset();
        SplitManifest written = StratifiedSplitter.split(DatasetScanner.scan(root, Set.of(DatasetScanner.CALTECH_BACKGROUND)), 42, 0.25);
        Path file = dir.resolve("data/split.csv");
        written.write(file);
        assertThat(Files.readString(file)).contains("# root: ../images").contains("path,label,subset");
        SplitManifest read = SplitManifest.read(file);
        assertThat(read.images()).isEqualTo(written.images());
        assertThat(read.fingerprint()).isEqualTo(written.fingerprint());
        assertThat(read.seed()).isEqualTo(42);
        assertThat(Files.exists(read.resolve(read.images().get(0)))).isTrue();
    }

    @Test
    void aPreSplitTreeKeepsItsSplit() throws Exception {
        Path root = dir.resolve("presplit");
        for (String subset : List.of("train", "val")) {
            for (String label : List.of("cat", "dog")) {
                Path classDir = Files.createDirectories(root.resolve(subset).resolve(label));
                for (int i = 0; i < (subset.equals("train") ? 3 : 1); i++) {
                    Files.write(classDir.resolve(i + ".jpg"), JPEG);
                }
            }
        }
        SplitManifest split = StratifiedSplitter.split(DatasetScanner.scan(root, Set.of()), 42, 0.2);
        assertThat(split.labels()).containsExactly("cat", "dog");
        assertThat(split.subset(Subset.VAL)).extracting(LabeledImage::path).containsExactlyInAnyOrder("val/cat/0.jpg", "val/dog/0.jpg");
        assertThat(split.subset(Subset.TRAIN)).hasSize(6);
    }

    @Test
    void aClassWithOneImageIsAClearError() throws Exception {
        Path root = dataset();
        Path lonely = Files.createDirectories(root.resolve("lonely"));
        Files.write(lonely.resolve("only.jpg"), JPEG);
        assertThatThrownBy(() -> StratifiedSplitter.split(DatasetScanner.scan(root, Set.of()), 42, 0.2))
                .isInstanceOf(DatasetException.class).hasMessageContaining("'lonely' has 1 image")
                .satisfies(e -> {
                    assertThat(((DatasetException) e).problem()).isEqualTo(DatasetException.Problem.CLASS_TOO_SMALL);
                    assertThat(((DatasetException) e).subject()).isEqualTo("lonely");
                });
    }

    @Test
    void aDatasetWithOneClassIsRefusedWithWhatToDo() throws Exception {
        Path root = dir.resolve("one");
        Path cats = Files.createDirectories(root.resolve("cats"));
        for (int i = 0; i < 3; i++) {
            Files.write(cats.resolve(i + ".jpg"), JPEG);
        }
        assertThatThrownBy(() -> DatasetScanner.scan(root, Set.of()))
                .isInstanceOf(DatasetException.class)
                .hasMessage("Only one class under " + root.toAbsolutePath() + " ('cats', 3 images): a classifier needs at least two classes,"
                        + " one sub-folder each");

        // the usual mistake: the folder above the class folders, which then looks like one class
        Path above = dir.resolve("above");
        Path categories = Files.createDirectories(above.resolve("101_ObjectCategories"));
        Files.createSymbolicLink(categories.resolve("cats"), cats);
        Files.createDirectories(above.resolve("BACKGROUND_Google"));
        assertThatThrownBy(() -> DatasetScanner.scan(above, Set.of("BACKGROUND_Google")))
                .isInstanceOf(DatasetException.class)
                .hasMessage("Only one class under " + above.toAbsolutePath() + " ('101_ObjectCategories', 3 images): a classifier needs at least"
                        + " two classes, one sub-folder each; '101_ObjectCategories' holds sub-folders, which may be the classes"
                        + " (left out as asked: BACKGROUND_Google)")
                .satisfies(e -> {
                    assertThat(((DatasetException) e).problem()).isEqualTo(DatasetException.Problem.TOO_FEW_CLASSES);
                    assertThat(((DatasetException) e).subject()).isEqualTo(categories.toAbsolutePath().toString());
                });
    }

    @Test
    void aManifestWithOneClassIsRefused() throws Exception {
        Path file = dir.resolve("split.csv");
        Files.writeString(file, "# image-classifier split manifest v1\n# root: .\npath,label,subset\ncats/0.jpg,cats,train\ncats/1.jpg,cats,val\n");
        assertThatThrownBy(() -> SplitManifest.read(file))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + " holds one class ('cats'): a classifier needs at least two");
    }

    @Test
    void theSummaryCountsInGoodEnglish() {
        LabeledImage cat = new LabeledImage("cats/0.jpg", "cats", null);
        LabeledImage dog = new LabeledImage("dogs/0.jpg", "dogs", null);
        assertThat(new DatasetScanner.Result(dir, List.of(cat), List.of(), false).summary()).isEqualTo("1 image in 1 class");
        assertThat(new DatasetScanner.Result(dir, List.of(cat, dog), List.of(), false).summary()).isEqualTo("2 images in 2 classes");
    }

    @Test
    void missingAndEmptyFoldersAreClearErrors() throws Exception {
        assertThatThrownBy(() -> DatasetScanner.scan(dir.resolve("nope"), Set.of()))
                .isInstanceOf(DatasetException.class).hasMessageContaining("Data folder not found");
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> DatasetScanner.scan(dir.resolve("empty"), Set.of()))
                .isInstanceOf(DatasetException.class).hasMessageContaining("No class folders");
        Files.createDirectories(dir.resolve("hollow/cats"));
        Files.write(dir.resolve("hollow/cats/readme.txt"), "hi".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> DatasetScanner.scan(dir.resolve("hollow"), Set.of()))
                .isInstanceOf(DatasetException.class).hasMessageContaining("No images found").hasMessageContaining("1 files");
    }

    @Test
    void materialisingHardLinksInsteadOfCopying() throws Exception {
        SplitManifest split = StratifiedSplitter.split(DatasetScanner.scan(dataset(), Set.of()), 42, 0.2);
        int linked = StratifiedSplitter.materialize(split, dir.resolve("browse"));
        assertThat(linked).isEqualTo(split.images().size());
        LabeledImage first = split.subset(Subset.VAL).get(0);
        Path link = dir.resolve("browse/val").resolve(first.label()).resolve(first.path().substring(first.path().indexOf('/') + 1));
        assertThat(Files.isSameFile(link, split.resolve(first))).isTrue();
    }

    @Test
    void aFileThatIsNotAManifestIsRefused() throws Exception {
        Path file = dir.resolve("other.csv");
        Files.writeString(file, "a,b,c\n");
        assertThatThrownBy(() -> SplitManifest.read(file)).isInstanceOf(DatasetException.class).hasMessageContaining("not a split manifest");
        assertThatThrownBy(() -> SplitManifest.read(dir.resolve("missing.csv"))).hasMessageContaining("Split manifest not found")
                .satisfies(e -> assertThat(((DatasetException) e).problem()).isEqualTo(DatasetException.Problem.BAD_MANIFEST));
    }
}

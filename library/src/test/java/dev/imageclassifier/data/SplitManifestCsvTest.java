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
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** split.csv is RFC 4180 CSV: any file or folder name round-trips, and ordinary names keep their bytes. */
class SplitManifestCsvTest {

    private static final byte[] JPEG = TestImages.jpeg(TestImages.halves(16, 16, BufferedImage.TYPE_INT_RGB));
    private static final Path CALTECH = Path.of("..", "shared", "datasets", "caltech101", "101_ObjectCategories");

    @TempDir
    Path dir;

    /** Issue 21, hole 10: a class folder with CR/LF in its name made a split.csv that could not be read back. */
    @Test
    void classAndFileNamesWithLineBreaksCommasAndQuotesRoundTrip() throws Exception {
        Path root = dir.resolve("images");
        List<String> classes = List.of("line\r\nbreak", "lf\nonly", "cr\ronly", "com,ma", "quo\"te", "# root: x", " spaced ", "plain");
        for (String label : classes) {
            Path classDir = Files.createDirectories(root.resolve(label));
            for (int i = 0; i < 3; i++) {
                Files.write(classDir.resolve(i == 0 ? "a\r\nb,\"c\".jpg" : i + ".jpg"), JPEG);
            }
        }
        SplitManifest written = StratifiedSplitter.split(DatasetScanner.scan(root, Set.of()), 42, 0.34);
        Path file = dir.resolve("data/split.csv");
        written.write(file);

        SplitManifest read = SplitManifest.read(file);
        assertThat(read.images()).isEqualTo(written.images()).hasSize(24);
        assertThat(read.labels()).containsExactlyInAnyOrderElementsOf(classes);
        assertThat(read.fingerprint()).isEqualTo(written.fingerprint());
        for (LabeledImage image : read.images()) {
            assertThat(read.resolve(image)).as(image.path()).isRegularFile();
        }
        String text = Files.readString(file);
        assertThat(text).contains("\"line\r\nbreak/a\r\nb,\"\"c\"\".jpg\",\"line\r\nbreak\",").contains("\nplain/1.jpg,plain,");
        // the same inputs, the same bytes
        Path again = dir.resolve("again/split.csv");
        StratifiedSplitter.split(DatasetScanner.scan(root, Set.of()), 42, 0.34).write(again);
        assertThat(Files.readString(again)).isEqualTo(text);
    }

    @Test
    void manifestsWrittenBeforeRfc4180QuotingStillRead() throws Exception {
        Path file = dir.resolve("old.csv");
        Files.writeString(file, "# image-classifier split manifest v1\r\n# root: .\r\n# seed: 7\r\npath,label,subset\r\n"
                + "#1/a.jpg,#1,train\r\n\"x,y/b.jpg\",\"x,y\",val\r\n\r\nq/c.jpg,q,train\r\n", StandardCharsets.UTF_8);
        SplitManifest read = SplitManifest.read(file);
        assertThat(read.seed()).isEqualTo(7);
        assertThat(read.images()).containsExactly(new LabeledImage("#1/a.jpg", "#1", Subset.TRAIN),
                new LabeledImage("x,y/b.jpg", "x,y", Subset.VAL), new LabeledImage("q/c.jpg", "q", Subset.TRAIN));
    }

    @Test
    void brokenRowsNameTheirLine() throws Exception {
        Path file = dir.resolve("broken.csv");
        String head = "# image-classifier split manifest v1\n# root: .\npath,label,subset\na/0.jpg,a,train\n";
        Files.writeString(file, head + "\"b\nb/0.jpg\",\"b\nb\",val\nc/0.jpg,c\n");
        // the record before spans lines 5 to 7
        assertThatThrownBy(() -> SplitManifest.read(file)).isInstanceOf(DatasetException.class)
                .hasMessage(file + " line 8: expected path,label,subset");
        Files.writeString(file, head + "\"b/0.jpg,b,val\nc/0.jpg,c,train\n");
        assertThatThrownBy(() -> SplitManifest.read(file)).isInstanceOf(DatasetException.class)
                .hasMessage(file + " line 5: a quoted value is not closed");
    }

    /** The committed results (results/metrics.json) and the README name this fingerprint of the Caltech-101 split. */
    @Test
    void theCaltechSplitKeepsItsFingerprint() throws Exception {
        assumeTrue(Files.isDirectory(CALTECH), "Caltech-101 under ../shared");
        SplitManifest split = StratifiedSplitter.split(DatasetScanner.scan(CALTECH, Set.of(DatasetScanner.CALTECH_BACKGROUND)), 42, 0.2);
        assertThat(split.fingerprint()).startsWith("7fa110f29106");
    }
}

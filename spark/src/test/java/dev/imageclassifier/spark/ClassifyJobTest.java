package dev.imageclassifier.spark;

import dev.imageclassifier.ImageClassifier;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** classify on embedded Spark local[2] against the library's ImageClassifier on the same files. */
class ClassifyJobTest {

    private static final List<String> CORRUPT = List.of("corrupt/truncated.jpg", "corrupt/notes.jpg", "corrupt/header-only.png",
            "corrupt/noise.bin", "corrupt/empty.jpg");

    @TempDir
    static Path dir;

    private static Path images;

    /** 200 real Caltech-101 photos (two per class of the first 100 classes) and five files that are no image. */
    @BeforeAll
    static void images() throws IOException {
        images = Files.createDirectories(dir.resolve("images"));
        List<Path> classes;
        try (Stream<Path> folders = Files.list(TestSpark.CALTECH)) {
            classes = folders.filter(f -> !f.getFileName().toString().startsWith("BACKGROUND")).sorted().limit(100).toList();
        }
        for (Path folder : classes) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path image : files.sorted().limit(2).toList()) {
                    Path copy = images.resolve(folder.getFileName().toString()).resolve(image.getFileName());
                    Files.createDirectories(copy.getParent());
                    Files.copy(image, copy);
                }
            }
        }
        Path corrupt = Files.createDirectories(images.resolve("corrupt"));
        byte[] jpeg = Files.readAllBytes(TestSpark.CALTECH.resolve("airplanes/image_0001.jpg"));
        Files.write(corrupt.resolve("truncated.jpg"), Arrays.copyOf(jpeg, 600));
        Files.writeString(corrupt.resolve("notes.jpg"), "these are not pixels", StandardCharsets.UTF_8);
        Files.write(corrupt.resolve("header-only.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        Files.write(corrupt.resolve("empty.jpg"), new byte[0]); // Spark's file sources skip zero-byte files: classify does not
        byte[] noise = new byte[4096];
        new java.util.Random(7).nextBytes(noise);
        Files.write(corrupt.resolve("noise.bin"), noise);
    }

    @Test
    void givesTheLibrarysLabelForEveryImageAndAnErrorRowForEveryCorruptFile() throws Exception {
        Path out = dir.resolve("labels.parquet");
        ClassifyJob.Summary summary = ClassifyJob.run(TestSpark.session(), new ClassifyJob.Settings(images.toString(),
                TestSpark.MODEL.toString(), out.toString(), ClassifyJob.Format.PARQUET, 5, 16, 128, null, false));
        Map<String, Row> rows = new HashMap<>();
        for (Row row : TestSpark.session().read().parquet(out.toString()).collectAsList()) {
            rows.put(images.relativize(Path.of(java.net.URI.create(row.getString(0)))).toString(), row);
        }
        assertThat(rows).hasSize(205).containsKeys(CORRUPT.toArray(String[]::new));
        assertThat(rows.get("corrupt/empty.jpg").getString(4)).isEqualTo("the file is empty (0 bytes)");
        assertThat(summary.images()).isEqualTo(205);
        assertThat(summary.errors()).isEqualTo(5);
        assertThat(summary.partitions()).isGreaterThanOrEqualTo(2); // both cores get work
        for (String name : CORRUPT) {
            Row row = rows.get(name);
            assertThat(row.isNullAt(1)).as(name).isTrue();
            assertThat(row.isNullAt(3)).as(name).isTrue();
            assertThat(row.getString(4)).as(name).isNotBlank();
        }
        int compared = 0;
        try (ImageClassifier classifier = ImageClassifier.load(TestSpark.MODEL)) {
            for (Map.Entry<String, Row> entry : rows.entrySet()) {
                if (CORRUPT.contains(entry.getKey())) {
                    continue;
                }
                Row row = entry.getValue();
                var expected = classifier.classify(images.resolve(entry.getKey()));
                assertThat(row.isNullAt(4)).as(entry.getKey() + ": " + row.getString(4)).isTrue();
                assertThat(row.getString(1)).as(entry.getKey()).isEqualTo(expected.label());
                assertThat(row.getFloat(2)).as(entry.getKey()).isCloseTo(expected.confidence(), org.assertj.core.data.Offset.offset(1e-4f));
                List<Row> top = row.getList(3);
                assertThat(top).hasSize(5);
                assertThat(top.get(0).getString(0)).isEqualTo(expected.label());
                assertThat(top.get(4).getString(0)).isEqualTo(expected.top(5).get(4).label());
                compared++;
            }
        }
        assertThat(compared).isEqualTo(200);
    }

    @Test
    void writesCsvWithTheTopKAsJsonAndRefusesToOverwriteUnlessAsked() throws Exception {
        Path subset = images.resolve("accordion");
        Path out = dir.resolve("labels.csv");
        ClassifyJob.Settings settings = new ClassifyJob.Settings(subset.toString() + "/*.jpg", TestSpark.MODEL.toString(),
                out.toString(), ClassifyJob.Format.CSV, 3, 8, 128, null, false);
        assertThat(ClassifyJob.run(TestSpark.session(), settings).images()).isEqualTo(2);
        List<Row> rows = TestSpark.session().read().option("header", "true").csv(out.toString()).collectAsList();
        assertThat(rows).hasSize(2).allSatisfy(row -> {
            assertThat(row.<String>getAs("predicted_class")).isEqualTo("accordion");
            assertThat(row.<String>getAs("top_k")).startsWith("[{\"label\":\"accordion\",\"confidence\":");
        });
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClassifyJob.run(TestSpark.session(), settings))
                .isInstanceOf(ClassifyJob.OutputExistsException.class).hasMessage(out + " already exists");
    }

    /**
     * Issue 21, hole 8: Spark's file sources skip names starting with . or _ (Hadoop's hidden files), zero-byte
     * files, and Hadoop's local listing drops broken symbolic links: every one of them gets its row here.
     */
    @Test
    void everyFileGetsARowHiddenNamesEmptyFilesAndBrokenLinksIncluded() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("odd-names"));
        Path photo = images.resolve("accordion").resolve(Files.list(images.resolve("accordion")).sorted().findFirst().orElseThrow()
                .getFileName());
        Files.copy(photo, folder.resolve(".hidden.jpg"));
        Files.copy(photo, folder.resolve("_underscore.jpg"));
        Files.copy(photo, Files.createDirectories(folder.resolve("_temporary")).resolve("inside.jpg"));
        Files.copy(photo, folder.resolve("plain.jpg"));
        Files.write(folder.resolve("zero.jpg"), new byte[0]);
        Files.createSymbolicLink(folder.resolve("broken.jpg"), folder.resolve("no-such-target.jpg"));
        Path out = dir.resolve("odd-names.json");
        ClassifyJob.Summary summary = ClassifyJob.run(TestSpark.session(), new ClassifyJob.Settings(folder.toString(),
                TestSpark.MODEL.toString(), out.toString(), ClassifyJob.Format.JSON, 3, 4, 128, null, false));
        Map<String, Row> rows = new HashMap<>();
        for (Row row : TestSpark.session().read().json(out.toString()).collectAsList()) {
            rows.put(folder.relativize(Path.of(java.net.URI.create(row.<String>getAs("path")))).toString(), row);
        }
        assertThat(rows).containsOnlyKeys(".hidden.jpg", "_underscore.jpg", "_temporary/inside.jpg", "plain.jpg", "zero.jpg",
                "broken.jpg");
        for (String name : List.of(".hidden.jpg", "_underscore.jpg", "_temporary/inside.jpg", "plain.jpg")) {
            assertThat(rows.get(name).<String>getAs("predicted_class")).as(name).isEqualTo("accordion");
            assertThat(rows.get(name).<String>getAs("error")).as(name).isNull();
        }
        assertThat(rows.get("zero.jpg").<String>getAs("error")).isEqualTo("the file is empty (0 bytes)");
        assertThat(rows.get("broken.jpg").<String>getAs("error"))
                .isEqualTo("a broken symbolic link (its target " + folder.resolve("no-such-target.jpg") + " does not exist)");
        assertThat(rows.get("broken.jpg").<String>getAs("predicted_class")).isNull();
        assertThat(summary.images()).isEqualTo(6);
        assertThat(summary.errors()).isEqualTo(2);

        // --pattern still filters names, hidden ones included
        Path jpegs = dir.resolve("odd-names-pattern.parquet");
        assertThat(ClassifyJob.run(TestSpark.session(), new ClassifyJob.Settings(folder.toString(), TestSpark.MODEL.toString(),
                jpegs.toString(), ClassifyJob.Format.PARQUET, 3, 4, 128, "_*.jpg", false)).images()).isEqualTo(1); // _underscore.jpg
    }

    @Test
    void aboutImagesPerTaskFilesATaskButOneTaskPerCoreAtLeast() {
        assertThat(ClassifyJob.tasks(205, 128, 2)).isEqualTo(2);
        assertThat(ClassifyJob.tasks(10_000, 1024, 2)).isEqualTo(10);
        assertThat(ClassifyJob.tasks(3, 1024, 8)).isEqualTo(3);
        assertThat(ClassifyJob.tasks(0, 1024, 8)).isEqualTo(1);
    }

    /** The one-line error names the flag, not Spark's save mode. */
    @Test
    void anExistingOutputNamesTheFlagThatReplacesIt() throws Exception {
        Path out = Files.createDirectories(dir.resolve("taken"));
        TestSpark.session(); // the command uses the running session and leaves it running
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            code = SparkMain.execute("classify", images.resolve("accordion").toString(), "-o", out.toString(),
                    "--model", TestSpark.MODEL.toString());
        } finally {
            System.setErr(stderr);
        }
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: " + out + " already exists; --overwrite replaces it")
                .doesNotContainIgnoringCase("mode");
        assertThat(TestSpark.session().sparkContext().isStopped()).isFalse();
    }
}

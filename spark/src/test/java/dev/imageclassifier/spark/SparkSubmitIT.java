package dev.imageclassifier.spark;

import dev.imageclassifier.ImageClassifier;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar through Spark's own {@code SparkSubmit}, in a JVM whose classpath is only what a Spark
 * distribution's {@code jars/} folder holds (Spark's dependencies, none of core's): the jar must carry core
 * and everything it uses, with its relocated Jackson and protobuf, and the model must reach the job.
 */
class SparkSubmitIT {

    /**
     * Libraries in Spark 4.2's own dependencies that core uses too, so Maven puts them in this module's compile
     * scope and spark-classpath.txt lacks them (found by comparing Spark's dependency list with this module's).
     */
    private static final List<String> SHARED_WITH_SPARK = List.of("/com/fasterxml/jackson/core/", "/commons-codec/commons-codec/",
            "/org/apache/commons/commons-lang3/", "/commons-io/commons-io/", "/org/slf4j/slf4j-api/",
            "/com/google/protobuf/protobuf-java/", "/org/apache/commons/commons-compress/", "/jakarta/servlet/jakarta.servlet-api/",
            "/jakarta/annotation/jakarta.annotation-api/", "/jakarta/inject/jakarta.inject-api/");

    @TempDir
    Path dir;

    @Test
    void theShadedJarClassifiesOnPlainSparkWithTheModelShippedByTheJob() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        for (String name : List.of("airplanes/image_0001.jpg", "watch/image_0001.jpg", "accordion/image_0002.jpg")) {
            Files.copy(TestSpark.CALTECH.resolve(name), images.resolve(name.replace('/', '-')));
        }
        Files.writeString(images.resolve("broken.jpg"), "no pixels here");
        Path out = dir.resolve("labels");

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        command.addAll(Arrays.asList(System.getProperty("spark.jvm.options").trim().split("\\s+")));
        command.addAll(List.of("-cp", sparkDistribution(), "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
                "--conf", "spark.ui.enabled=false", "--class", "dev.imageclassifier.spark.SparkMain",
                Path.of("spark/target/image-classifier-spark.jar").toAbsolutePath().toString(),
                "classify", images.toString(), "-o", out.toString(), "--model", TestSpark.MODEL.toString(), "--top-k", "3"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(dir.resolve("log.txt"));
        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log).contains("Classified 4 files (1 errors)");

        List<Row> rows = TestSpark.session().read().parquet(out.toString()).collectAsList();
        assertThat(rows).hasSize(4);
        try (ImageClassifier classifier = ImageClassifier.load(TestSpark.MODEL)) {
            for (Row row : rows) {
                Path file = Path.of(URI.create(row.getString(0)));
                if (file.getFileName().toString().equals("broken.jpg")) {
                    assertThat(row.getString(4)).isNotBlank();
                } else {
                    assertThat(row.getString(1)).as(file.toString()).isEqualTo(classifier.classify(file).label());
                }
            }
        }
    }

    /** A stand-in for $SPARK_HOME/jars: Spark's jars and the libraries it shares with core, nothing of core's own. */
    private static String sparkDistribution() throws IOException {
        Set<String> sparkOnly = Set.of(Files.readString(Path.of("spark/target/spark-classpath.txt")).trim().split(":"));
        return Arrays.stream(Files.readString(Path.of("spark/target/classpath.txt")).trim().split(":"))
                .filter(jar -> sparkOnly.contains(jar) || SHARED_WITH_SPARK.stream().anyMatch(jar::contains))
                .collect(Collectors.joining(":"));
    }
}

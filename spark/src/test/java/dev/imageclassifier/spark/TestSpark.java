package dev.imageclassifier.spark;

import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;

/** One embedded Spark (local[2], as on the project's 2-core machines) for every test class of the module. */
final class TestSpark {

    static final Path SHARED = Path.of("..", "shared").toAbsolutePath().normalize();
    static final Path CALTECH = SHARED.resolve("datasets/caltech101/101_ObjectCategories");
    static final Path MOBILENET = SHARED.resolve("models/mobilenetv2-12-int8.onnx");
    /** The committed Caltech-101 classifier (tests run from the repository root). */
    static final Path MODEL = Path.of("model", "classifier.onnx").toAbsolutePath();

    private static SparkSession session;

    private TestSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("image-classifier tests")
                    .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
        }
        return session;
    }
}

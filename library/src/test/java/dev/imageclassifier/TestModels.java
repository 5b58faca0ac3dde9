package dev.imageclassifier;

import dev.imageclassifier.model.RandomHeadClassifier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Fixtures shared by tests: where the shared dataset and backbones live, and quick classifier files. */
public final class TestModels {

    /** The read-only shared folder beside the project (Maven runs tests from the project root). */
    public static final Path SHARED = Path.of("..", "shared").toAbsolutePath().normalize();
    public static final Path CALTECH = SHARED.resolve("datasets/caltech101/101_ObjectCategories");
    public static final Path MOBILENET = SHARED.resolve("models/mobilenetv2-12-int8.onnx");
    public static final Path RESNET50_RANDOM = SHARED.resolve("models/resnet50-random-init.onnx");

    private TestModels() {
    }

    /**
     * A real MobileNetV2-int8 backbone with a seeded random head over {@code labels}: a valid classifier
     * file in seconds, for tests that need a model but not a trained one.
     */
    public static Path randomHeadClassifier(Path dir, List<String> labels, long seed) throws Exception {
        Path file = dir.resolve("classifier.onnx");
        Files.createDirectories(dir);
        RandomHeadClassifier.write(MOBILENET, "mobilenetv2-int8", labels, seed, file);
        return file;
    }
}

package dev.imageclassifier;

import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.model.ClassifierGraph;
import dev.imageclassifier.model.ModelMetadata;
import dev.imageclassifier.vision.Preprocessing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

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
        BackboneGraph backbone = BackboneGraph.load(MOBILENET, "mobilenetv2-int8");
        int dim = 1280;
        SplittableRandom random = new SplittableRandom(seed);
        float[] weights = new float[labels.size() * dim];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextGaussian() * 0.05);
        }
        float[] bias = new float[labels.size()];
        ModelMetadata metadata = new ModelMetadata(labels, Preprocessing.IMAGENET, backbone.name(), backbone.sha256(), dim,
                Map.of("recipe", "random-head-fixture", "seed", seed), Map.of("accuracy", 0.0), "2026-01-01T00:00:00Z", "test");
        Path file = dir.resolve("classifier.onnx");
        Files.createDirectories(dir);
        ClassifierGraph.write(ClassifierGraph.build(backbone, weights, bias, metadata), file);
        return file;
    }
}

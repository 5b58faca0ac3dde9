package dev.imageclassifier.bench;

import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.model.ClassifierGraph;
import dev.imageclassifier.model.InvalidModelException;
import dev.imageclassifier.model.ModelMetadata;
import dev.imageclassifier.model.OnnxModel;
import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.vision.Preprocessing;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A valid classifier file from any backbone with a seeded random head: what the benchmark serves when
 * only speed and memory matter (its predictions are meaningless).
 */
public final class RandomHeadClassifier {

    private RandomHeadClassifier() {
    }

    /** Builds {@code classes} labels ({@code class_000}, ...) on {@code backboneFile} and writes the classifier. */
    public static void write(Path backboneFile, int classes, long seed, Path out) throws Exception {
        String name = backboneFile.getFileName().toString().replaceFirst("\\.onnx$", "");
        BackboneGraph backbone = BackboneGraph.load(backboneFile, name);
        int dim = featureDim(backbone);
        SplittableRandom random = new SplittableRandom(seed);
        float[] weights = new float[classes * dim];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextGaussian() * 0.05);
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            labels.add(String.format("class_%03d", i));
        }
        ModelMetadata metadata = new ModelMetadata(labels, Preprocessing.IMAGENET, backbone.name(), backbone.sha256(), dim,
                Map.of("recipe", "random-head (benchmark only)", "seed", seed), Map.of(), Instant.now().toString(), "bench");
        ClassifierGraph.write(ClassifierGraph.build(backbone, weights, new float[classes], metadata), out);
    }

    /** The width of the backbone's features. */
    private static int featureDim(BackboneGraph backbone) throws Exception {
        try (OnnxModel features = OnnxModel.create(backbone.featureModel().toByteArray(), BackboneGraph.FEATURES,
                new RuntimeOptions(1, RuntimeOptions.Device.CPU))) {
            int width = features.outputWidth(Preprocessing.IMAGENET.rowShape());
            if (width == 0) {
                throw new InvalidModelException(backbone.name() + " produced no features");
            }
            return width;
        }
    }
}

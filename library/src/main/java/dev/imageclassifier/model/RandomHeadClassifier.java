package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.Device;
import dev.imageclassifier.vision.Preprocessing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A valid classifier file from any backbone with a seeded random head: what the benchmark serves when
 * only speed and memory matter, and what tests use when they need a model but not a trained one (its
 * predictions are meaningless).
 */
public final class RandomHeadClassifier {

    private RandomHeadClassifier() {
    }

    /** {@code class_000}, {@code class_001}, … */
    public static List<String> numberedLabels(int classes) {
        return IntStream.range(0, classes).mapToObj(i -> String.format("class_%03d", i)).toList();
    }

    /** Builds a head over {@code labels} on {@code backboneFile} and writes the classifier to {@code out}. */
    public static void write(Path backboneFile, String backboneName, List<String> labels, long seed, Path out)
            throws InvalidModelException, IOException {
        BackboneGraph backbone = BackboneGraph.load(backboneFile, backboneName);
        int dim = featureDim(backbone);
        SplittableRandom random = new SplittableRandom(seed);
        float[] weights = new float[labels.size() * dim];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextGaussian() * 0.05);
        }
        ModelMetadata metadata = new ModelMetadata(labels, Preprocessing.IMAGENET, backbone.name(), backbone.sha256(), dim,
                Map.of("recipe", "random head (speed and tests only)", "seed", seed), Map.of(),
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), "random-head");
        ClassifierGraph.write(ClassifierGraph.build(backbone, weights, new float[labels.size()], metadata), out);
    }

    private static int featureDim(BackboneGraph backbone) throws InvalidModelException {
        try (OnnxModel features = OnnxModel.create(backbone.featureModel().toByteArray(), BackboneGraph.FEATURES,
                new RuntimeOptions(1, Device.CPU))) {
            return features.outputWidth(Preprocessing.IMAGENET.rowShape());
        } catch (ai.onnxruntime.OrtException e) {
            throw new InvalidModelException(backbone.name() + " does not run on a blank image: " + e.getMessage(), e);
        }
    }
}

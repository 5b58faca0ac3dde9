package dev.imageclassifier.model;

import dev.imageclassifier.ModelSpeed;
import dev.imageclassifier.TestModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures what the digest check adds to loading a classifier: the check alone and the whole load, median of
 * several runs, on the committed MobileNetV2-int8 classifier, an untrained MobileNetV2-float one and an
 * untrained ResNet-50 one. Run from the test classpath with the project root as working directory.
 */
public final class DigestCost {

    private DigestCost() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("digest-cost");
        Path float32 = dir.resolve("mobilenetv2-float-classifier.onnx");
        ModelSpeed.writeUntrainedClassifier(TestModels.SHARED.resolve("models/mobilenetv2-float.onnx"), 101, float32);
        Path resnet = dir.resolve("resnet50-classifier.onnx");
        ModelSpeed.writeUntrainedClassifier(TestModels.RESNET50_RANDOM, 101, resnet);
        for (Path model : new Path[] {Path.of("model/classifier.onnx"), float32, resnet}) {
            double[] check = new double[7];
            double[] load = new double[7];
            for (int i = 0; i < check.length; i++) {
                long t = System.nanoTime();
                ModelDigest.Check result = ModelDigest.check(model);
                check[i] = (System.nanoTime() - t) / 1e6;
                if (result.status() != ModelDigest.Status.VERIFIED) {
                    throw new IllegalStateException(model + ": " + result);
                }
                t = System.nanoTime();
                try (ClassifierModel loaded = ClassifierModel.load(model, new RuntimeOptions(0, dev.imageclassifier.Device.CPU))) {
                    load[i] = (System.nanoTime() - t) / 1e6;
                }
            }
            System.out.printf(Locale.ROOT, "%-40s %7.1f MB  digest check %6.1f ms  whole load (check included) %7.1f ms  (%.1f %%)%n",
                    model.getFileName(), Files.size(model) / 1e6, median(check), median(load), 100 * median(check) / median(load));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}

package dev.imageclassifier;

import java.util.Map;

/**
 * A linear head fitted outside the trainer ({@link FeatureTable#fitHead}): {@code classes × dimension}
 * weights (row-major) and a bias per class; softmax of {@code W·x + b} gives the probabilities.
 *
 * @param method         what fitted it, e.g. {@code mllib-logistic-regression}, recorded as the recipe's name
 * @param settings       its settings (regularisation, iterations, …), recorded beside the name
 * @param classes        output classes
 * @param dimension      feature width
 * @param weights        {@code classes × dimension} weights, row-major
 * @param bias           one per class
 * @param iterations     optimiser iterations it took
 * @param regularisation its L2 strength
 */
public record FittedHead(String method, Map<String, Object> settings, int classes, int dimension, float[] weights, float[] bias,
                         int iterations, double regularisation) {

    /**
     * Checks the shapes and copies the settings.
     *
     * @param method         what fitted it, recorded as the recipe's name
     * @param settings       its settings, recorded beside the name (copied)
     * @param classes        output classes
     * @param dimension      feature width
     * @param weights        {@code classes × dimension} weights, row-major
     * @param bias           one per class
     * @param iterations     optimiser iterations it took
     * @param regularisation its L2 strength
     * @throws IllegalArgumentException when {@code weights} is not {@code classes × dimension} long or
     *                                  {@code bias} not {@code classes}
     */
    public FittedHead {
        if (weights.length != (long) classes * dimension || bias.length != classes) {
            throw new IllegalArgumentException("a head of " + classes + " classes × " + dimension + " features needs "
                    + (long) classes * dimension + " weights and " + classes + " biases, not " + weights.length + " and " + bias.length);
        }
        settings = Map.copyOf(settings);
    }
}

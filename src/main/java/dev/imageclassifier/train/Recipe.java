package dev.imageclassifier.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the softmax head is trained: mini-batch SGD with momentum and a step learning-rate schedule.
 *
 * @param learningRate      initial step size
 * @param momentum          classical momentum (PyTorch's SGD: v = μv + g; w −= lr·v)
 * @param batchSize         samples per step
 * @param epochs            maximum passes over the training images
 * @param stepSize          epochs between learning-rate decays (StepLR)
 * @param gamma             decay factor (StepLR)
 * @param weightDecay       L2 penalty added to the gradient
 * @param standardize       train on per-dimension standardised features (folded back into the weights)
 * @param oneViewPerEpoch   each epoch sees one random cached view per image, like on-the-fly augmentation;
 *                          otherwise every cached view is a sample
 * @param holdoutFraction   slice of the TRAINING images held out to pick the best epoch (0: none)
 * @param patience          epochs without hold-out improvement before stopping early (0: never)
 * @param augmentedViews    random augmented views cached per training image (besides centre and its mirror)
 */
public record Recipe(String name, double learningRate, double momentum, int batchSize, int epochs, int stepSize,
                     double gamma, double weightDecay, boolean standardize, boolean oneViewPerEpoch,
                     double holdoutFraction, int patience, int augmentedViews) {

    /** The seed project's recipe, exactly: lr 0.001, momentum 0.9, batch 32, 5 epochs, StepLR(7, 0.1), no decay. */
    public static final Recipe SEED = new Recipe("seed", 0.001, 0.9, 32, 5, 7, 0.1, 0.0, false, true, 0.0, 0, 1);

    /** Tuned on Caltech-101 with MobileNetV2-int8 features (see README, "Training recipes"). */
    public static final Recipe DEFAULT = new Recipe("default", 0.05, 0.9, 64, 30, 10, 0.1, 1e-4, true, false, 0.1, 6, 1);

    public Recipe {
        if (learningRate <= 0 || batchSize <= 0 || epochs <= 0 || stepSize <= 0 || gamma <= 0 || weightDecay < 0
                || momentum < 0 || momentum >= 1 || holdoutFraction < 0 || holdoutFraction >= 0.5 || augmentedViews < 0) {
            throw new IllegalArgumentException("invalid recipe: " + this);
        }
    }

    public static Recipe named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "seed" -> SEED;
            case "default" -> DEFAULT;
            default -> throw new IllegalArgumentException("unknown recipe '" + name + "' (expected seed or default)");
        };
    }

    public Recipe withEpochs(int value) {
        return new Recipe(name, learningRate, momentum, batchSize, value, stepSize, gamma, weightDecay, standardize,
                oneViewPerEpoch, holdoutFraction, patience, augmentedViews);
    }

    public Recipe withLearningRate(double value) {
        return new Recipe(name, value, momentum, batchSize, epochs, stepSize, gamma, weightDecay, standardize,
                oneViewPerEpoch, holdoutFraction, patience, augmentedViews);
    }

    public Recipe withAugmentedViews(int value) {
        return new Recipe(name, learningRate, momentum, batchSize, epochs, stepSize, gamma, weightDecay, standardize,
                oneViewPerEpoch, holdoutFraction, patience, value);
    }

    /** The learning rate during a 0-based epoch (StepLR). */
    public double learningRateAt(int epoch) {
        return learningRate * Math.pow(gamma, epoch / stepSize);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", name);
        map.put("optimizer", "SGD");
        map.put("learning_rate", learningRate);
        map.put("momentum", momentum);
        map.put("batch_size", batchSize);
        map.put("epochs", epochs);
        map.put("lr_step_size", stepSize);
        map.put("lr_gamma", gamma);
        map.put("weight_decay", weightDecay);
        map.put("standardize_features", standardize);
        map.put("one_view_per_epoch", oneViewPerEpoch);
        map.put("holdout_fraction", holdoutFraction);
        map.put("early_stopping_patience", patience);
        map.put("augmented_views", augmentedViews);
        return map;
    }
}

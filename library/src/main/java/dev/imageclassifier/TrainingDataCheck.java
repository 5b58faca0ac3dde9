package dev.imageclassifier;

import dev.imageclassifier.audit.TrainingCheck;
import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.vision.View;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The few lines about the data a training run prints: leakage across the split and small classes, from the features
 * the run has already extracted. Skipped where they are not here (a cluster) or the training images have no plain
 * centre view to compare with the validation images.
 */
final class TrainingDataCheck {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingDataCheck.class);

    private TrainingDataCheck() {
    }

    static void note(FeatureSource source, FeatureTable table, FeatureRequest request, RuntimeOptions runtime, ProgressListener progress) {
        if (!(source instanceof LocalFeatures) || request.views(true).isEmpty() || !request.views(true).get(0).equals(View.CENTER)) {
            return;
        }
        try {
            float[][][] all = table.collect();
            float[][] features = new float[all.length][];
            boolean[] training = new boolean[all.length];
            List<String> labels = new ArrayList<>(all.length);
            for (int i = 0; i < all.length; i++) {
                DatasetSplit.Image image = request.images().get(i);
                features[i] = all[i] == null ? null : all[i][0];
                training[i] = image.training();
                labels.add(image.label());
            }
            progress.note(TrainingCheck.of(features, training, labels, runtime).describe());
        } catch (Exception e) { // a check that fails must not fail the training it comments on
            LOG.warn("The data check after feature extraction failed: {}", e.toString());
        }
    }
}

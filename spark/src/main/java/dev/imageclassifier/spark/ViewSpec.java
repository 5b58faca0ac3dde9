package dev.imageclassifier.spark;

import dev.imageclassifier.vision.Augmentation;
import dev.imageclassifier.vision.View;

import java.io.Serializable;
import java.util.List;

/** A {@link View} in a form Spark can send to executors. */
record ViewSpec(View.Kind kind, int index, long seed, double[] augmentation) implements Serializable {

    static List<ViewSpec> of(List<View> views) {
        return views.stream().map(ViewSpec::of).toList();
    }

    static ViewSpec of(View view) {
        Augmentation a = view.augmentation();
        return new ViewSpec(view.kind(), view.index(), view.seed(), a == null ? null
                : new double[] {a.minScale(), a.maxScale(), a.minRatio(), a.maxRatio(), a.flipProbability(), a.maxRotationDegrees()});
    }

    View view() {
        return switch (kind) {
            case CENTER -> View.CENTER;
            case CENTER_FLIP -> View.CENTER_FLIP;
            case AUGMENTED -> View.augmented(index, seed, new Augmentation(augmentation[0], augmentation[1], augmentation[2],
                    augmentation[3], augmentation[4], augmentation[5]));
        };
    }
}

package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import ai.onnxruntime.OrtException;

import java.nio.file.Path;

/**
 * Proves that an ONNX file can serve as a backbone before it is trusted: it must be an ImageNet-style
 * classifier that {@link BackboneGraph} can cut, ONNX Runtime must load the cut graph, and one black
 * [1, 3, 224, 224] image must come out as one feature row of the expected width. Used for downloads that
 * have no pinned checksum.
 */
public final class BackboneCheck {

    /** The input size the project feeds every backbone. */
    public static final int IMAGE_SIZE = 224;

    private BackboneCheck() {
    }

    /**
     * @param expectedFeatureDim the feature width required, or 0 to accept any
     * @return the feature width
     */
    public static int verify(Path file, String name, int expectedFeatureDim) throws InvalidModelException {
        BackboneGraph graph = BackboneGraph.load(file, name);
        try (OnnxModel model = OnnxModel.create(graph.featureModel().toByteArray(), BackboneGraph.FEATURES, RuntimeOptions.defaults())) {
            if (model.imageSize() > 0 && model.imageSize() != IMAGE_SIZE) {
                throw new InvalidModelException(name + " takes " + model.imageSize() + "x" + model.imageSize()
                        + " images; backbones here must take " + IMAGE_SIZE + "x" + IMAGE_SIZE);
            }
            int width;
            try {
                width = model.outputWidth(3, IMAGE_SIZE, IMAGE_SIZE);
            } catch (OrtException | RuntimeException e) {
                throw new InvalidModelException(name + " does not accept a [1, 3, " + IMAGE_SIZE + ", " + IMAGE_SIZE
                        + "] float image batch: " + e.getMessage(), e);
            }
            if (expectedFeatureDim > 0 && width != expectedFeatureDim) {
                throw new InvalidModelException(name + " yields " + width + " features per image where " + expectedFeatureDim
                        + " were expected; it is not the backbone it claims to be");
            }
            return width;
        }
    }
}

package dev.imageclassifier.model;

import ai.onnxruntime.OrtException;
import dev.imageclassifier.vision.Preprocessor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained classifier file, loaded: one shared ONNX Runtime session plus what its metadata says
 * (labels, preprocessing). Thread-safe; each caller brings its own {@link TensorBatch}.
 */
public final class Classifier implements AutoCloseable {

    /** Name of the probability output of every classifier file. */
    public static final String OUTPUT = "probabilities";

    private final OnnxModel model;
    private final ModelMetadata metadata;
    private final Preprocessor preprocessor;

    private Classifier(OnnxModel model, ModelMetadata metadata) {
        this.model = model;
        this.metadata = metadata;
        this.preprocessor = new Preprocessor(metadata.preprocessing());
    }

    public static Classifier load(Path file, RuntimeOptions options) throws InvalidModelException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidModelException("Model file not found: " + file.toAbsolutePath()
                    + " (train one with `train`, or set --model / MODEL_PATH)");
        }
        OnnxModel model;
        try {
            model = OnnxModel.open(file, OUTPUT, options);
        } catch (InvalidModelException e) {
            throw new InvalidModelException(file + " is not a classifier made by this project: " + e.getMessage()
                    + " (a bare backbone goes to `train --backbone`)", e);
        }
        try {
            ModelMetadata metadata = ModelMetadata.fromProperties(model.metadata());
            int crop = metadata.preprocessing().crop();
            if (model.imageSize() > 0 && model.imageSize() != crop) {
                throw new InvalidModelException("the model's input is " + model.imageSize() + " pixels, its metadata says " + crop);
            }
            return new Classifier(model, metadata);
        } catch (InvalidModelException e) {
            model.close();
            throw new InvalidModelException(file + ": " + e.getMessage(), e);
        } catch (OrtException e) {
            model.close();
            throw new InvalidModelException(file + ": cannot read metadata: " + e.getMessage(), e);
        }
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public List<String> labels() {
        return metadata.labels();
    }

    public Preprocessor preprocessor() {
        return preprocessor;
    }

    /** The underlying session, for batch evaluation over files. */
    public OnnxModel onnx() {
        return model;
    }

    /** A batch buffer sized for this model's inputs. */
    public TensorBatch newBatch(int capacity) {
        return new TensorBatch(capacity, metadata.preprocessing().tensorSize());
    }

    /** Class probabilities for each row of the batch, in label order. */
    public float[][] probabilities(TensorBatch batch) throws OrtException {
        return model.run(batch, metadata.preprocessing().crop());
    }

    /** The {@code k} most probable labels of one probability row, best first. */
    public List<ScoredLabel> top(float[] probabilities, int k) {
        List<String> labels = metadata.labels();
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
        List<ScoredLabel> top = new ArrayList<>();
        for (int i = 0; i < Math.min(k, order.length); i++) {
            top.add(new ScoredLabel(labels.get(order[i]), probabilities[order[i]]));
        }
        return top;
    }

    @Override
    public void close() {
        model.close();
    }

    /** One label with its probability. */
    public record ScoredLabel(String label, float confidence) {
    }
}

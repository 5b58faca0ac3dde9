package dev.imageclassifier.serve;

import ai.onnxruntime.OrtException;
import dev.imageclassifier.InvalidModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What clients are told when the model cannot be served: short and actionable, naming the file but not
 * where the server keeps it, and none of ONNX Runtime's source paths or C++ signatures. The full cause
 * goes to the server's log.
 */
final class ModelProblem {

    /** When the model loads but its first run fails. */
    static final String WARM_UP_FAILED = "The model loaded but failed its first run; the server's log has the cause";

    private ModelProblem() {
    }

    /** The reason shown on /health (and in 503s) for a model file that failed to load with {@code error}. */
    static String describe(Path model, Throwable error) {
        String name = model.getFileName() == null ? model.toString() : model.getFileName().toString();
        if (!Files.exists(model)) {
            return "Model file not found: " + name + " (train one with `train`, or set --model / MODEL_PATH)";
        }
        if (!Files.isRegularFile(model) || !Files.isReadable(model)) {
            return "Model file " + name + " is not a readable file (check --model / MODEL_PATH and its permissions)";
        }
        if (isEmpty(model)) {
            return "Model file " + name + " is empty: replace it with a classifier made by `train`";
        }
        if (error instanceof InvalidModelException invalid && invalid.problem() == InvalidModelException.Problem.CORRUPT) {
            return "Model file " + name + " is damaged: its content does not match the digest recorded when it was written "
                    + "(restore it from a copy, or train it again with `train`)";
        }
        if (causedBy(error, OrtException.class) || causedBy(error, IOException.class)) {
            return "Model file " + name + " is not an ONNX model, or is damaged: replace it with a classifier made by `train`";
        }
        return "Model file " + name + " is an ONNX model but not a classifier made by this project "
                + "(a bare backbone goes to `train --backbone`)";
    }

    private static boolean isEmpty(Path model) {
        try {
            return Files.size(model) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (type.isInstance(e)) {
                return true;
            }
        }
        return false;
    }
}

package dev.imageclassifier.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * One ONNX Runtime session with one image input and one float matrix output ([N, K]). The session is
 * long-lived and safe to share between threads; every tensor and result is closed right after use.
 */
public final class OnnxModel implements AutoCloseable {

    private final OrtEnvironment environment = OnnxRuntimeLibraries.environment();
    private final OrtSession session;
    private final String inputName;
    private final String outputName;
    private final int imageSize;

    private OnnxModel(OrtSession session, String outputName) throws OrtException {
        this.session = session;
        this.inputName = session.getInputNames().iterator().next();
        this.outputName = outputName;
        long[] shape = ((ai.onnxruntime.TensorInfo) session.getInputInfo().get(inputName).getInfo()).getShape();
        this.imageSize = shape.length == 4 && shape[2] > 0 ? (int) shape[2] : -1;
    }

    /** Creates a session from serialised model bytes. */
    public static OnnxModel create(byte[] model, String outputName, RuntimeOptions options) throws InvalidModelException {
        try (OrtSession.SessionOptions sessionOptions = options.toSessionOptions()) {
            OrtSession session = OnnxRuntimeLibraries.environment().createSession(model, sessionOptions);
            return wrap(session, outputName);
        } catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    /** Creates a session from a model file. */
    public static OnnxModel open(java.nio.file.Path file, String outputName, RuntimeOptions options) throws InvalidModelException {
        try (OrtSession.SessionOptions sessionOptions = options.toSessionOptions()) {
            OrtSession session = OnnxRuntimeLibraries.environment().createSession(file.toString(), sessionOptions);
            return wrap(session, outputName);
        } catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    private static OnnxModel wrap(OrtSession session, String outputName) throws InvalidModelException, OrtException {
        java.util.Set<String> inputs = session.getInputNames();
        java.util.Set<String> outputs = session.getOutputNames();
        if (inputs.size() != 1 || !outputs.contains(outputName)) {
            session.close();
            throw new InvalidModelException(inputs.size() != 1
                    ? "expected one image input, the model has " + inputs
                    : "the model has no output '" + outputName + "', only " + outputs);
        }
        return new OnnxModel(session, outputName);
    }

    /** Runs a batch of CHW rows of size×size images; returns one output row per image. */
    public float[][] run(TensorBatch batch, int size) throws OrtException {
        int n = batch.size();
        long[] shape = {n, 3, size, size};
        try (OnnxTensor input = OnnxTensor.createTensor(environment, batch.view(), shape);
             OrtSession.Result result = session.run(Map.of(inputName, input), java.util.Set.of(outputName))) {
            OnnxTensor output = (OnnxTensor) result.get(0);
            long[] outShape = output.getInfo().getShape();
            int width = (int) outShape[outShape.length - 1];
            FloatBuffer values = output.getFloatBuffer();
            if (outShape[0] != n || values.remaining() != (long) n * width) {
                throw new IllegalStateException("model answered " + java.util.Arrays.toString(outShape) + " for " + n + " images");
            }
            float[][] rows = new float[n][width];
            for (float[] row : rows) {
                values.get(row);
            }
            return rows;
        }
    }

    /** The model's metadata_props. */
    public Map<String, String> metadata() throws OrtException {
        return session.getMetadata().getCustomMetadata();
    }

    /** The fixed input height/width, or -1 when the graph leaves it dynamic. */
    public int imageSize() {
        return imageSize;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing twice or after a native failure; nothing left to free
        }
    }
}

package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.imageclassifier.inference.BatchRunner;
import dev.imageclassifier.inference.TensorBatch;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session with one image input and one float matrix output ([N, K]). The session is
 * long-lived and safe to share between threads; every tensor and result is closed right after use.
 */
public final class OnnxModel implements BatchRunner, AutoCloseable {

    private final OrtEnvironment environment = OnnxRuntimeLibraries.environment();
    private final OrtSession session;
    private final String inputName;
    private final String outputName;
    private final int imageSize;

    private OnnxModel(OrtSession session, String outputName) throws OrtException {
        this.session = session;
        this.inputName = session.getInputNames().iterator().next();
        this.outputName = outputName;
        long[] shape = ((TensorInfo) session.getInputInfo().get(inputName).getInfo()).getShape();
        this.imageSize = shape.length == 4 && shape[2] > 0 ? (int) shape[2] : -1;
    }

    /** Creates a session from serialised model bytes. */
    public static OnnxModel create(byte[] model, String outputName, RuntimeOptions options) throws InvalidModelException {
        try (OrtSession.SessionOptions sessionOptions = options.toSessionOptions()) {
            return wrap(OnnxRuntimeLibraries.environment().createSession(Int8Arithmetic.forThisCpu(model), sessionOptions), outputName);
        } catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    /** Creates a session from a model file. */
    public static OnnxModel open(Path file, String outputName, RuntimeOptions options) throws InvalidModelException {
        try (OrtSession.SessionOptions sessionOptions = options.toSessionOptions()) {
            OrtEnvironment environment = OnnxRuntimeLibraries.environment();
            OrtSession session = Int8Arithmetic.EXACT_WEIGHTS_NEEDED
                    ? environment.createSession(Int8Arithmetic.forThisCpu(Files.readAllBytes(file)), sessionOptions)
                    : environment.createSession(file.toString(), sessionOptions);
            return wrap(session, outputName);
        } catch (IOException e) {
            throw new InvalidModelException("Cannot read " + file + ": " + e.getMessage(), e);
        } catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    private static OnnxModel wrap(OrtSession session, String outputName) throws InvalidModelException, OrtException {
        Set<String> inputs = session.getInputNames();
        Set<String> outputs = session.getOutputNames();
        if (inputs.size() != 1 || !outputs.contains(outputName)) {
            session.close();
            throw new InvalidModelException(inputs.size() != 1
                    ? "expected one image input, the model has " + inputs
                    : "the model has no output '" + outputName + "', only " + outputs);
        }
        return new OnnxModel(session, outputName);
    }

    /** Runs a batch; returns one output row per input row. */
    @Override
    public float[][] run(TensorBatch batch) throws OrtException {
        int n = batch.size();
        try (OnnxTensor input = OnnxTensor.createTensor(environment, batch.view(), batch.shape());
             OrtSession.Result result = session.run(Map.of(inputName, input), Set.of(outputName))) {
            OnnxTensor output = (OnnxTensor) result.get(0);
            long[] outShape = output.getInfo().getShape();
            int width = (int) outShape[outShape.length - 1];
            FloatBuffer values = output.getFloatBuffer();
            if (outShape[0] != n || values.remaining() != (long) n * width) {
                throw new IllegalStateException("model answered " + Arrays.toString(outShape) + " for " + n + " images");
            }
            float[][] rows = new float[n][width];
            for (float[] row : rows) {
                values.get(row);
            }
            return rows;
        }
    }

    /**
     * Runs a batch for several outputs at once (ONNX Runtime computes only what they need): each image's
     * row is its rows of {@code outputs}, flattened and concatenated in that order.
     */
    public float[][] run(TensorBatch batch, List<String> outputs) throws OrtException {
        int n = batch.size();
        try (OnnxTensor input = OnnxTensor.createTensor(environment, batch.view(), batch.shape());
             OrtSession.Result result = session.run(Map.of(inputName, input), new LinkedHashSet<>(outputs))) {
            FloatBuffer[] values = new FloatBuffer[outputs.size()];
            int[] widths = new int[outputs.size()];
            for (int o = 0; o < values.length; o++) {
                OnnxTensor output = (OnnxTensor) result.get(outputs.get(o)).orElseThrow();
                values[o] = output.getFloatBuffer();
                long[] shape = output.getInfo().getShape();
                if (shape[0] != n || values[o].remaining() % n != 0) {
                    throw new IllegalStateException("model answered " + Arrays.toString(shape) + " for " + n + " images");
                }
                widths[o] = values[o].remaining() / n;
            }
            float[][] rows = new float[n][Arrays.stream(widths).sum()];
            for (float[] row : rows) {
                for (int o = 0, at = 0; o < values.length; at += widths[o], o++) {
                    values[o].get(row, at, widths[o]);
                }
            }
            return rows;
        }
    }

    /**
     * The width of the output rows (e.g. 1280 features, or the number of classes), found by running one
     * blank input of {@code rowShape}, which also proves the model runs. The one place that asks.
     */
    public int outputWidth(long... rowShape) throws OrtException {
        TensorBatch probe = new TensorBatch(1, rowShape);
        probe.add(new float[Math.toIntExact(Arrays.stream(rowShape).reduce(1, Math::multiplyExact))]);
        return run(probe)[0].length;
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

package dev.imageclassifier.train;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imageclassifier.model.OnnxProtos;
import dev.imageclassifier.model.OnnxRuntimeLibraries;
import dev.imageclassifier.model.RuntimeOptions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;

/**
 * The full-batch L2-regularised softmax cross-entropy of a fixed set of rows, as an {@link Lbfgs.Objective}
 * over θ = [W (dim × classes, row-major), b]: {@code mean CE + λ/2·‖W‖²} (the bias is not penalised, as in
 * scikit-learn). The rows are copied into ONNX Runtime's memory once; each evaluation runs the gradient graph of
 * {@link HeadGradient} (two GEMMs) plus the count of rows the head gets right.
 */
final class SoftmaxLoss implements Lbfgs.Objective, AutoCloseable {

    private final OrtEnvironment environment = OnnxRuntimeLibraries.environment();
    private final OrtSession session;
    private final int dim;
    private final int classes;
    private final int rows;
    private final OnnxTensor x;
    private final OnnxTensor y;
    private final OnnxTensor scale;
    private final FloatBuffer weights;
    private final FloatBuffer bias;
    private final float[] gradW;
    private final float[] gradB;
    private double lambda;
    private int lastCorrect;

    /** @param rowIndices the rows of {@code samples} this loss is over */
    SoftmaxLoss(HeadSamples samples, List<Integer> rowIndices, int classes, RuntimeOptions options) throws OrtException {
        this.dim = samples.dim;
        this.classes = classes;
        this.rows = rowIndices.size();
        FloatBuffer features = floats(rows * dim);
        LongBuffer labels = ByteBuffer.allocateDirect(rows * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        for (int i = 0; i < rows; i++) {
            int row = rowIndices.get(i);
            features.put(i * dim, samples.x, row * dim, dim);
            labels.put(i, samples.rowLabels[row]);
        }
        FloatBuffer mean = floats(1).put(0, 1f / rows);
        try (OrtSession.SessionOptions sessionOptions = options.toSessionOptions()) {
            this.session = environment.createSession(graph(dim, classes).toByteArray(), sessionOptions);
        }
        this.x = OnnxTensor.createTensor(environment, features, new long[] {rows, dim});
        this.y = OnnxTensor.createTensor(environment, labels, new long[] {rows});
        this.scale = OnnxTensor.createTensor(environment, mean, new long[] {});
        this.weights = floats(dim * classes);
        this.bias = floats(classes);
        this.gradW = new float[dim * classes];
        this.gradB = new float[classes];
    }

    private static FloatBuffer floats(int size) {
        return ByteBuffer.allocateDirect(size * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** The L2 strength λ of the following evaluations. */
    void lambda(double value) {
        lambda = value;
    }

    int rows() {
        return rows;
    }

    /** Rows the head of the last evaluation classified right. */
    int lastCorrect() {
        return lastCorrect;
    }

    @Override
    public double valueAndGradient(double[] theta, double[] gradient) {
        int size = dim * classes;
        for (int i = 0; i < size; i++) {
            weights.put(i, (float) theta[i]);
        }
        for (int c = 0; c < classes; c++) {
            bias.put(c, (float) theta[size + c]);
        }
        double loss;
        try (OnnxTensor wt = OnnxTensor.createTensor(environment, weights, new long[] {dim, classes});
             OnnxTensor bt = OnnxTensor.createTensor(environment, bias, new long[] {classes});
             OrtSession.Result result = session.run(Map.of("x", x, "y", y, "w", wt, "b", bt, "scale", scale))) {
            ((OnnxTensor) result.get("grad_w").orElseThrow()).getFloatBuffer().get(gradW);
            ((OnnxTensor) result.get("grad_b").orElseThrow()).getFloatBuffer().get(gradB);
            loss = ((OnnxTensor) result.get("loss").orElseThrow()).getFloatBuffer().get(0);
            lastCorrect = (int) ((OnnxTensor) result.get("correct").orElseThrow()).getLongBuffer().get(0);
        } catch (OrtException e) {
            throw new IllegalStateException("the head's loss graph failed: " + e.getMessage(), e);
        }
        double penalty = 0;
        for (int i = 0; i < size; i++) {
            penalty += theta[i] * theta[i];
            gradient[i] = gradW[i] + lambda * theta[i];
        }
        for (int c = 0; c < classes; c++) {
            gradient[size + c] = gradB[c];
        }
        return loss + lambda / 2 * penalty;
    }

    /** {@link HeadGradient}'s graph, plus {@code correct}: how many rows' largest logit is their label's. */
    static ModelProto graph(int dim, int classes) {
        ModelProto gradient = HeadGradient.graph(dim, classes);
        GraphProto.Builder graph = gradient.getGraph().toBuilder()
                .addNode(OnnxProtos.node("ArgMax", "predicted", new String[] {"logits"}, new String[] {"predicted"},
                        OnnxProtos.intAttribute("axis", 1), OnnxProtos.intAttribute("keepdims", 0)))
                .addNode(OnnxProtos.node("Equal", "right", new String[] {"predicted", "y"}, new String[] {"right"}))
                .addNode(OnnxProtos.node("Cast", "right_count", new String[] {"right"}, new String[] {"right_int"},
                        OnnxProtos.intAttribute("to", TensorProto.DataType.INT64_VALUE)))
                .addNode(OnnxProtos.node("ReduceSum", "correct", new String[] {"right_int", "axis0"}, new String[] {"correct"},
                        OnnxProtos.intAttribute("keepdims", 0)))
                .addOutput(OnnxProtos.value("correct", TensorProto.DataType.INT64));
        return gradient.toBuilder().setGraph(graph).build();
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // already closed
        }
        x.close();
        y.close();
        scale.close();
    }
}

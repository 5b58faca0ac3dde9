package dev.imageclassifier.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imageclassifier.Progress;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.model.OnnxRuntimeLibraries;
import dev.imageclassifier.model.RuntimeOptions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures activation ranges: a copy of the float model whose graph also outputs every tensor to be
 * quantized runs on the calibration images through ONNX Runtime; a first pass records each tensor's
 * minimum and maximum, a second one (percentile and entropy only) a histogram over that range.
 */
final class Calibrator {

    /** Images per ONNX Runtime call: every intermediate tensor of the batch is copied out at once. */
    private static final int BATCH = 2;

    private final ModelProto floatModel;
    private final Set<String> tensors;
    private final RuntimeOptions options;

    Calibrator(ModelProto floatModel, Set<String> tensors, RuntimeOptions options) {
        this.floatModel = floatModel;
        this.tensors = tensors;
        this.options = options;
    }

    /** @param images preprocessed CHW rows of {@code size × size} images */
    Map<String, TensorRange> ranges(List<float[]> images, int size, CalibrationMethod method, double percentile,
                                    Progress progress) throws InvalidModelException, OrtException {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no calibration image could be decoded");
        }
        Map<String, ActivationStats> stats = new LinkedHashMap<>();
        tensors.forEach(t -> stats.put(t, new ActivationStats()));
        OrtEnvironment environment = OnnxRuntimeLibraries.environment();
        try (OrtSession.SessionOptions sessionOptions = options.toSessionOptions();
             OrtSession session = environment.createSession(withOutputs(floatModel, tensors).toByteArray(), sessionOptions)) {
            String input = session.getInputNames().iterator().next();
            run(session, input, images, size, (name, values) -> stats.get(name).observeRange(values), progress);
            if (method != CalibrationMethod.MINMAX) {
                stats.values().forEach(ActivationStats::startHistogram);
                run(session, input, images, size, (name, values) -> stats.get(name).observeHistogram(values), progress);
            }
        } catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime cannot run the calibration model: " + e.getMessage(), e);
        }
        Map<String, TensorRange> ranges = new LinkedHashMap<>();
        for (Map.Entry<String, ActivationStats> entry : stats.entrySet()) {
            if (!entry.getValue().seen()) {
                throw new InvalidModelException("calibration produced no values for tensor '" + entry.getKey() + "'");
            }
            ranges.put(entry.getKey(), entry.getValue().range(method, percentile));
        }
        return ranges;
    }

    private interface Observer {
        void observe(String tensor, FloatBuffer values);
    }

    private void run(OrtSession session, String input, List<float[]> images, int size, Observer observer, Progress progress)
            throws OrtException {
        int row = 3 * size * size;
        FloatBuffer batch = ByteBuffer.allocateDirect(BATCH * row * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int start = 0; start < images.size(); start += BATCH) {
            int n = Math.min(BATCH, images.size() - start);
            batch.clear();
            for (int i = 0; i < n; i++) {
                batch.put(images.get(start + i));
            }
            batch.flip();
            if (tensors.contains(input)) { // the image input itself: read it here, it is no graph output
                observer.observe(input, batch.duplicate());
            }
            try (OnnxTensor tensor = OnnxTensor.createTensor(OnnxRuntimeLibraries.environment(), batch, new long[] {n, 3, size, size});
                 OrtSession.Result result = session.run(Map.of(input, tensor), outputs(session))) {
                for (Map.Entry<String, OnnxValue> output : result) {
                    observer.observe(output.getKey(), ((OnnxTensor) output.getValue()).getFloatBuffer());
                }
            }
            progress.step(n);
        }
    }

    private Set<String> outputs(OrtSession session) throws OrtException {
        Set<String> outputs = new HashSet<>(tensors);
        outputs.removeAll(session.getInputNames());
        return outputs;
    }

    /** The model with every tensor to calibrate added to the graph's outputs (type float, shape left open). */
    static ModelProto withOutputs(ModelProto model, Set<String> tensors) {
        GraphProto graph = model.getGraph();
        Set<String> present = new HashSet<>();
        graph.getOutputList().forEach(o -> present.add(o.getName()));
        GraphProto.Builder augmented = graph.toBuilder();
        TypeProto floatTensor = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber())).build();
        graph.getInputList().forEach(i -> present.add(i.getName()));
        for (String tensor : tensors) {
            if (present.add(tensor)) {
                augmented.addOutput(ValueInfoProto.newBuilder().setName(tensor).setType(floatTensor));
            }
        }
        return model.toBuilder().setGraph(augmented).build();
    }
}

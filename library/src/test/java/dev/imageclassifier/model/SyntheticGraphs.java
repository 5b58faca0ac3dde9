package dev.imageclassifier.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;

/** Tiny ImageNet-shaped classifiers (3×4×4 input, 3 features, 5 classes) built in code for surgery tests. */
final class SyntheticGraphs {

    static final float[] WEIGHTS = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, -1, 0, 1}; // [5 × 3]
    static final float[] BIAS = {0, 0, 0, 0, 0.5f};

    private SyntheticGraphs() {
    }

    private static GraphProto.Builder trunk() {
        return GraphProto.newBuilder().setName("synthetic")
                .addInput(OnnxProtos.floatValue("input", "batch", 3, 4, 4))
                .addNode(OnnxProtos.node("GlobalAveragePool", "pool", new String[] {"input"}, new String[] {"pooled"}))
                .addNode(OnnxProtos.node("Flatten", "flatten", new String[] {"pooled"}, new String[] {"flat"},
                        OnnxProtos.intAttribute("axis", 1)));
    }

    private static ModelProto model(GraphProto.Builder graph) {
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph).build();
    }

    /** pool → flatten → Gemm → Softmax, like torchvision's ResNet export. */
    static ModelProto floatClassifier() {
        return model(trunk()
                .addInitializer(OnnxProtos.floatTensor("fc.weight", WEIGHTS, 5, 3))
                .addInitializer(OnnxProtos.floatTensor("fc.bias", BIAS, 5))
                .addNode(OnnxProtos.node("Gemm", "fc", new String[] {"flat", "fc.weight", "fc.bias"}, new String[] {"logits"},
                        OnnxProtos.intAttribute("transB", 1)))
                .addNode(OnnxProtos.node("Softmax", "softmax", new String[] {"logits"}, new String[] {"probs"},
                        OnnxProtos.intAttribute("axis", 1)))
                .addOutput(OnnxProtos.floatValue("probs", "batch", 5)));
    }

    /** pool → flatten → QuantizeLinear → QLinearMatMul → DequantizeLinear, like the int8 Model Zoo files. */
    static ModelProto int8Classifier() {
        byte[] weights = new byte[3 * 5];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (byte) (128 + (i % 3));
        }
        return model(trunk()
                .addInitializer(scalar("x_scale", 0.1f))
                .addInitializer(uint8("x_zero", new byte[] {(byte) 128}))
                .addInitializer(uint8Matrix("w_q", weights))
                .addInitializer(scalar("w_scale", 0.05f))
                .addInitializer(uint8("w_zero", new byte[] {(byte) 128}))
                .addInitializer(scalar("y_scale", 0.02f))
                .addInitializer(uint8("y_zero", new byte[] {(byte) 128}))
                .addNode(OnnxProtos.node("QuantizeLinear", "quantize", new String[] {"flat", "x_scale", "x_zero"}, new String[] {"flat_q"}))
                .addNode(OnnxProtos.node("QLinearMatMul", "fc_quant",
                        new String[] {"flat_q", "x_scale", "x_zero", "w_q", "w_scale", "w_zero", "y_scale", "y_zero"}, new String[] {"y_q"}))
                .addNode(OnnxProtos.node("DequantizeLinear", "dequantize", new String[] {"y_q", "y_scale", "y_zero"}, new String[] {"logits"}))
                .addOutput(OnnxProtos.floatValue("logits", "batch", 5)));
    }

    /** A graph that ends in a convolution: nothing to cut at. */
    static ModelProto noClassifier() {
        return model(GraphProto.newBuilder().setName("relu-only")
                .addInput(OnnxProtos.floatValue("input", "batch", 3, 4, 4))
                .addNode(OnnxProtos.node("Relu", "relu", new String[] {"input"}, new String[] {"out"}))
                .addOutput(OnnxProtos.floatValue("out", "batch", 3, 4, 4)));
    }

    private static TensorProto scalar(String name, float value) {
        return OnnxProtos.floatTensor(name, new float[] {value});
    }

    private static TensorProto uint8(String name, byte[] values) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.UINT8.getNumber())
                .setRawData(ByteString.copyFrom(values)).build();
    }

    private static TensorProto uint8Matrix(String name, byte[] values) {
        return uint8(name, values).toBuilder().addDims(3).addDims(5).build();
    }
}

package dev.imageclassifier.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtSession;
import dev.imageclassifier.inference.TensorBatch;
import dev.imageclassifier.Progress;
import dev.imageclassifier.model.ClassActivationGraph;
import dev.imageclassifier.model.OnnxModel;
import dev.imageclassifier.model.OnnxProtos;
import dev.imageclassifier.model.OnnxRuntimeLibraries;
import dev.imageclassifier.model.RuntimeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Quantizes a small float Conv + Gemm graph built here and checks the QDQ layout, the scales and the answers. */
class QdqGraphTest {

    private static final int SIZE = 8;

    @TempDir
    Path dir;

    /** input [N, 3, 8, 8] → Conv 3×3 (4 channels) → Relu → GlobalAveragePool → Flatten → Gemm (5 outputs). */
    static ModelProto convGemm(int opset) {
        SplittableRandom random = new SplittableRandom(7);
        float[] convWeight = new float[4 * 3 * 3 * 3];
        for (int i = 0; i < convWeight.length; i++) {
            convWeight[i] = (float) random.nextGaussian() * 0.3f;
        }
        float[] gemmWeight = new float[5 * 4];
        for (int i = 0; i < gemmWeight.length; i++) {
            gemmWeight[i] = (float) random.nextGaussian();
        }
        return SyntheticClassifier.convReluPoolGemm(SIZE, opset, OnnxProtos.floatTensor("conv.weight", convWeight, 4, 3, 3, 3),
                OnnxProtos.floatTensor("conv.bias", new float[] {0.1f, -0.2f, 0.3f, 0f}, 4), OnnxProtos.floatTensor("fc.weight", gemmWeight, 5, 4),
                OnnxProtos.floatTensor("fc.bias", new float[] {0.5f, 0, 0, 0, -0.5f}, 5), ints("pads", 1, 1, 1, 1), ints("kernel_shape", 3, 3));
    }

    private static ai.onnx.proto.OnnxMl.AttributeProto ints(String name, long... values) {
        ai.onnx.proto.OnnxMl.AttributeProto.Builder attribute = ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INTS);
        for (long value : values) {
            attribute.addInts(value);
        }
        return attribute.build();
    }

    private static List<float[]> randomImages(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<float[]> rows = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            float[] row = new float[3 * SIZE * SIZE];
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) (random.nextDouble() * 4 - 1); // in [-1, 3)
            }
            rows.add(row);
        }
        return rows;
    }

    private static Map<String, TensorProto> initializers(GraphProto graph) {
        Map<String, TensorProto> byName = new HashMap<>();
        graph.getInitializerList().forEach(t -> byName.put(t.getName(), t));
        return byName;
    }

    @Test
    void weightsBecomeInt8PerChannelAndEachActivationGetsOneQuantizeDequantizePair() throws Exception {
        ModelProto model = convGemm(13);
        QdqPlan plan = QdqPlan.of(model.getGraph(), false);
        assertThat(plan.tensorsToCalibrate()).containsExactly("input", "relu", "pooled", "flat");
        Map<String, TensorRange> ranges = Map.of("input", new TensorRange(-1, 3), "relu", new TensorRange(0, 2),
                "pooled", new TensorRange(0, 1), "flat", new TensorRange(0, 1));
        GraphProto qdq = QdqGraph.write(plan, ranges);

        assertThat(qdq.getNodeList()).extracting(NodeProto::getOpType).containsExactly(
                "QuantizeLinear", "DequantizeLinear", "DequantizeLinear", "DequantizeLinear", "Conv", // input, weight, bias; Relu folded
                "QuantizeLinear", "DequantizeLinear", "GlobalAveragePool", "QuantizeLinear", "DequantizeLinear", "Flatten",
                "QuantizeLinear", "DequantizeLinear", "DequantizeLinear", "DequantizeLinear", "Gemm");
        Map<String, TensorProto> init = initializers(qdq);
        assertThat(init).doesNotContainKeys("conv.weight", "fc.weight").containsKeys("conv.weight_quantized", "fc.weight_quantized");
        assertThat(init.get("conv.weight_quantized").getDataType()).isEqualTo(TensorProto.DataType.INT8.getNumber());
        assertThat(init.get("conv.weight_quantized").getDimsList()).containsExactly(4L, 3L, 3L, 3L);
        assertThat(init.get("conv_bias_quantized").getDataType()).isEqualTo(TensorProto.DataType.INT32.getNumber());

        // Scales by hand: input [-1, 3] → 4/255 with zero point 64; weights max|w| / 127 per output channel.
        float inputScale = Initializers.floats(init.get("input_scale"))[0];
        assertThat(inputScale).isCloseTo(4f / 255, within(1e-9f));
        assertThat(init.get("input_zero_point").getRawData().byteAt(0) & 0xFF).isEqualTo(64);
        assertThat(Initializers.floats(init.get("relu_scale"))[0]).isCloseTo(2f / 255, within(1e-9f));
        float[] weights = Initializers.floats(convGemm(13).getGraph().getInitializer(0));
        float[] scales = Initializers.floats(init.get("conv.weight_scale"));
        float[] biasScales = Initializers.floats(init.get("conv_bias_scale"));
        for (int c = 0; c < 4; c++) {
            float max = 0;
            for (int i = c * 27; i < (c + 1) * 27; i++) {
                max = Math.max(max, Math.abs(weights[i]));
            }
            assertThat(scales[c]).isCloseTo(max / 127, within(1e-7f));
            assertThat(biasScales[c]).isCloseTo(inputScale * max / 127, within(1e-9f));
        }
        NodeProto weightDequantize = qdq.getNode(2);
        assertThat(weightDequantize.getAttribute(0).getName()).isEqualTo("axis");
    }

    @Test
    void theInt8GraphAgreesWithTheFloatOneAndOnnxRuntimeRunsItInInt8Kernels() throws Exception {
        ModelProto model = convGemm(13);
        QdqPlan plan = QdqPlan.of(model.getGraph(), false);
        Map<String, TensorRange> ranges = new Calibrator(model, plan.tensorsToCalibrate(), RuntimeOptions.defaults())
                .ranges(randomImages(32, 1), SIZE, CalibrationMethod.MINMAX, 99.99, Progress.NONE);
        ModelProto int8 = model.toBuilder().setGraph(QdqGraph.write(plan, ranges)).build();

        List<float[]> images = randomImages(64, 2);
        float[][] expected = run(model, images);
        float[][] actual = run(int8, images);
        int agree = 0;
        double worst = 0;
        for (int i = 0; i < images.size(); i++) {
            agree += ClassifierImages.argmax(expected[i]) == ClassifierImages.argmax(actual[i]) ? 1 : 0;
            for (int c = 0; c < 5; c++) {
                worst = Math.max(worst, Math.abs(expected[i][c] - actual[i][c]));
            }
        }
        assertThat(agree).as("top-1 agreement on 64 random images").isGreaterThanOrEqualTo(60);
        assertThat(worst).as("largest logit error (logits span about ±2)").isLessThan(0.15);

        Path optimized = dir.resolve("optimized.onnx");
        try (OrtSession.SessionOptions options = RuntimeOptions.defaults().toSessionOptions()) {
            options.setOptimizedModelFilePath(optimized.toString());
            OnnxRuntimeLibraries.environment().createSession(int8.toByteArray(), options).close();
        }
        assertThat(OnnxProtos.read(optimized).getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .contains("QLinearConv", "QLinearGlobalAveragePool", "QGemm").doesNotContain("Conv", "Gemm", "Relu");
    }

    @Test
    void theClassActivationMapsOfTheInt8GraphAgreeWithTheFloatOnesAndItsFusionsStillApply() throws Exception {
        ModelProto model = convGemm(13);
        QdqPlan plan = QdqPlan.of(model.getGraph(), true);
        Map<String, TensorRange> ranges = new Calibrator(model, plan.tensorsToCalibrate(), RuntimeOptions.defaults())
                .ranges(randomImages(32, 1), SIZE, CalibrationMethod.MINMAX, 99.99, Progress.NONE);
        ModelProto int8 = ClassActivationGraph.withActivations(model.toBuilder().setGraph(QdqGraph.write(plan, ranges)).build());
        ModelProto float32 = ClassActivationGraph.withActivations(model);

        List<float[]> images = randomImages(8, 4);
        float[][] expected = runMaps(float32, images);
        float[][] actual = runMaps(int8, images);
        double worst = 0;
        double span = 0;
        for (int i = 0; i < images.size(); i++) {
            for (int k = 5; k < expected[i].length; k++) { // after the 5 logits: 5 maps of 8 × 8
                worst = Math.max(worst, Math.abs(expected[i][k] - actual[i][k]));
                span = Math.max(span, Math.abs(expected[i][k]));
            }
        }
        assertThat(expected[0]).hasSize(5 + 5 * SIZE * SIZE);
        assertThat(worst).as("largest map error, the maps reaching ±%.2f", span).isLessThan(0.05 * span);

        Path optimized = dir.resolve("optimized-with-maps.onnx");
        try (OrtSession.SessionOptions options = RuntimeOptions.defaults().toSessionOptions()) {
            options.setOptimizedModelFilePath(optimized.toString());
            OnnxRuntimeLibraries.environment().createSession(int8.toByteArray(), options).close();
        }
        assertThat(OnnxProtos.read(optimized).getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .contains("QLinearConv", "QLinearGlobalAveragePool", "QGemm");
    }

    private static float[][] runMaps(ModelProto model, List<float[]> images) throws Exception {
        try (OnnxModel session = OnnxModel.create(model.toByteArray(), "logits", RuntimeOptions.defaults())) {
            TensorBatch batch = new TensorBatch(images.size(), 3, SIZE, SIZE);
            images.forEach(batch::add);
            return session.run(batch, List.of("logits", ClassActivationGraph.OUTPUT));
        }
    }

    @Test
    void theTrainedHeadStaysFloatUnlessAsked() throws Exception {
        Path file = SyntheticClassifier.write(dir.resolve("classifier.onnx"));
        GraphProto graph = OnnxProtos.read(file).getGraph();
        assertThat(QdqPlan.of(graph, false).summary()).containsEntry("conv", 1).doesNotContainKey("gemm");
        assertThat(QdqPlan.of(graph, true).summary()).containsEntry("conv", 1).containsEntry("gemm", 1);
    }

    @Test
    void anOpset12ModelIsRaisedTo13WithItsUnsqueezeAxesAsAnInput() throws Exception {
        ModelProto opset12 = convGemm(12);
        GraphProto graph = opset12.getGraph().toBuilder()
                .addNode(OnnxProtos.node("Unsqueeze", "unsqueeze", new String[] {"logits"}, new String[] {"expanded"})
                        .toBuilder().addAttribute(ints("axes", 1)).build())
                .clearOutput().addOutput(OnnxProtos.floatValue("expanded", "batch", 1, 5)).build();
        ModelProto upgraded = OpsetUpgrade.toQdqOpset(opset12.toBuilder().setGraph(graph).build());
        assertThat(OpsetUpgrade.opset(upgraded)).isEqualTo(13);
        NodeProto unsqueeze = upgraded.getGraph().getNode(upgraded.getGraph().getNodeCount() - 1);
        assertThat(unsqueeze.getAttributeCount()).isZero();
        assertThat(unsqueeze.getInputList()).containsExactly("logits", "unsqueeze_axes");
        try (OnnxModel session = OnnxModel.create(upgraded.toByteArray(), "expanded", RuntimeOptions.defaults())) {
            TensorBatch batch = new TensorBatch(1, 3, SIZE, SIZE);
            batch.add(randomImages(1, 3).get(0));
            assertThat(session.run(batch)[0]).hasSize(5);
        }
    }

    private static float[][] run(ModelProto model, List<float[]> images) throws Exception {
        try (OnnxModel session = OnnxModel.create(model.toByteArray(), "logits", RuntimeOptions.defaults())) {
            TensorBatch batch = new TensorBatch(images.size(), 3, SIZE, SIZE);
            images.forEach(batch::add);
            return session.run(batch);
        }
    }
}

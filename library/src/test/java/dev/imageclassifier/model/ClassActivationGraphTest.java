package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.imageclassifier.inference.TensorBatch;
import dev.imageclassifier.quantize.SyntheticClassifier;
import dev.imageclassifier.vision.Preprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ClassActivationGraphTest {

    @TempDir
    Path dir;

    private static final int SIZE = 4;
    // Backbone: feature 0 = relu(red − green), feature 1 = relu(blue + 0.5), from a 1×1 Conv.
    private static final float[] CONV_WEIGHT = {1, -1, 0, 0, 0, 1};
    private static final float[] CONV_BIAS = {0, 0.5f};
    // The trained head: 3 classes × 2 features.
    private static final float[] HEAD = {2, -1, -1, 3, 0.5f, 0.5f};
    private static final float[] BIAS = {0.1f, -0.2f, 0.3f};

    private static ModelProto backbone() {
        return SyntheticClassifier.convReluPoolGemm(SIZE, 13, OnnxProtos.floatTensor("conv.weight", CONV_WEIGHT, 2, 3, 1, 1),
                OnnxProtos.floatTensor("conv.bias", CONV_BIAS, 2), OnnxProtos.floatTensor("fc.weight", new float[8], 4, 2),
                OnnxProtos.floatTensor("fc.bias", new float[4], 4));
    }

    private Path classifier() throws Exception {
        ModelMetadata metadata = new ModelMetadata(List.of("a", "b", "c"), new Preprocessing(SIZE, SIZE,
                new float[] {0, 0, 0}, new float[] {1, 1, 1}), "tiny", "cd".repeat(32), 2, Map.of("seed", 1),
                Map.of("accuracy", 1.0), "2026-12-01T00:00:00Z", "test");
        Path file = dir.resolve("classifier.onnx");
        ClassifierGraph.write(ClassifierGraph.build(BackboneGraph.cut(backbone(), "tiny", "cd".repeat(32)), HEAD, BIAS, metadata), file);
        return file;
    }

    /** Pixel (y, x) of channel ch: distinct values, some making feature 0 negative (so the ReLU matters). */
    private static float pixel(int ch, int y, int x) {
        return (float) Math.sin(1.7 * ch + 0.9 * y + 0.4 * x + 0.3 * ch * x);
    }

    @Test
    void theMapOfEachClassIsItsHeadWeightsTimesTheFeatureMapAndAveragesToItsLogit() throws Exception {
        float[] image = new float[3 * SIZE * SIZE];
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    image[(ch * SIZE + y) * SIZE + x] = pixel(ch, y, x);
                }
            }
        }
        TensorBatch batch = new TensorBatch(1, 3, SIZE, SIZE);
        batch.add(image);
        try (ClassifierModel model = ClassifierModel.load(classifier(), RuntimeOptions.defaults())) {
            float[] row = model.explaining().run(batch)[0];
            assertThat(row).hasSize(3 + 3 * SIZE * SIZE);
            double[] logits = new double[3];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        float f0 = Math.max(0, pixel(0, y, x) - pixel(1, y, x));
                        float f1 = Math.max(0, pixel(2, y, x) + 0.5f);
                        float expected = HEAD[2 * c] * f0 + HEAD[2 * c + 1] * f1;
                        assertThat(row[3 + (c * SIZE + y) * SIZE + x]).as("class %d at (%d, %d)", c, x, y).isCloseTo(expected, within(1e-5f));
                        logits[c] += expected / (SIZE * SIZE);
                    }
                }
                logits[c] += BIAS[c];
            }
            double sum = Math.exp(logits[0]) + Math.exp(logits[1]) + Math.exp(logits[2]);
            for (int c = 0; c < 3; c++) {
                assertThat(row[c]).isCloseTo((float) (Math.exp(logits[c]) / sum), within(1e-5f));
            }
            // The classifying session is untouched: same probabilities, no extra output.
            assertThat(model.run(batch)[0]).containsExactly(new float[] {row[0], row[1], row[2]}, within(1e-6f));
        }
    }

    @Test
    void theFileItselfIsLeftAsItWas() throws Exception {
        assertThat(ClassActivationGraph.has(OnnxProtos.read(classifier()))).isFalse();
        ModelProto added = ClassActivationGraph.withActivations(OnnxProtos.read(classifier()));
        assertThat(added.getGraph().getOutputList()).extracting(o -> o.getName())
                .containsExactly(ClassifierModel.OUTPUT, ClassActivationGraph.OUTPUT);
        assertThat(ClassActivationGraph.withActivations(added)).isSameAs(added);
    }

    /** A classifier file's graph on a real backbone, with a random 3-class head. */
    private static ModelProto onBackbone(Path backboneFile, int featureDim) throws Exception {
        BackboneGraph backbone = BackboneGraph.cut(OnnxProtos.read(backboneFile), backboneFile.getFileName().toString(), "ef".repeat(32));
        float[] weights = new float[3 * featureDim];
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextGaussian() * 0.05f;
        }
        ModelMetadata metadata = new ModelMetadata(List.of("a", "b", "c"), Preprocessing.IMAGENET, "real", "ef".repeat(32), featureDim,
                Map.of("seed", 5), Map.of(), "2026-12-01T00:00:00Z", "test");
        return ClassifierGraph.build(backbone, weights, new float[3], metadata);
    }

    private static String mapInput(ModelProto model) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getName().equals("cam_conv")).findFirst().orElseThrow().getInput(0);
    }

    @Test
    void onResNet50TheMapIsTheInputOfItsGlobalAveragePool() throws Exception {
        ModelProto model = ClassActivationGraph.withActivations(onBackbone(dev.imageclassifier.TestModels.RESNET50_RANDOM, 2048));
        assertThat(mapInput(model)).isEqualTo("/layer4/layer4.2/relu_2/Relu_output_0");
    }

    @Test
    void onTheFloatMobileNetTheMapIsTheInputOfItsGlobalAveragePoolAndIs7By7() throws Exception {
        ModelProto model = ClassActivationGraph.withActivations(
                onBackbone(dev.imageclassifier.TestModels.SHARED.resolve("models/mobilenetv2-float.onnx"), 1280));
        String map = mapInput(model);
        assertThat(model.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("GlobalAveragePool"))
                .singleElement().satisfies(pool -> assertThat(pool.getInput(0)).isEqualTo(map));
        try (OnnxModel session = OnnxModel.create(model.toByteArray(), ClassifierModel.OUTPUT, RuntimeOptions.defaults())) {
            TensorBatch batch = new TensorBatch(1, Preprocessing.IMAGENET.rowShape());
            batch.add(new float[3 * 224 * 224]);
            assertThat(session.run(batch, List.of(ClassifierModel.OUTPUT, ClassActivationGraph.OUTPUT))[0]).hasSize(3 + 3 * 7 * 7);
        }
    }

    @Test
    void onTheInt8MobileNetTheMapIsItsQuantizedPoolsInputDequantized() throws Exception {
        ModelProto model = ClassActivationGraph.withActivations(onBackbone(dev.imageclassifier.TestModels.MOBILENET, 1280));
        NodeProto dequantize = model.getGraph().getNodeList().stream().filter(n -> n.getOutputList().contains(mapInput(model)))
                .findFirst().orElseThrow();
        assertThat(dequantize.getOpType()).isEqualTo("DequantizeLinear");
        assertThat(dequantize.getInput(0)).isEqualTo("627_quantized");
    }

    @Test
    void featuresThatAreNotAPooledMapCannotBeExplainedAndTheErrorSaysWhy() {
        GraphProto graph = GraphProto.newBuilder()
                .addInput(OnnxProtos.floatValue("input", "batch", 3, SIZE, SIZE))
                .addInitializer(OnnxProtos.floatTensor("w", new float[2 * 48], 2, 48))
                .addNode(OnnxProtos.node("Flatten", "flatten", new String[] {"input"}, new String[] {"flat"}))
                .addNode(OnnxProtos.node("Gemm", "head", new String[] {"flat", "w"}, new String[] {"logits"},
                        OnnxProtos.intAttribute("transB", 1)))
                .addNode(OnnxProtos.node("Softmax", "softmax", new String[] {"logits"}, new String[] {"probabilities"}))
                .addOutput(OnnxProtos.floatValue("probabilities", "batch", 2)).build();
        assertThatThrownBy(() -> ClassActivationGraph.withActivations(ModelProto.newBuilder().setGraph(graph).build()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("not a global average pool").hasMessageContaining("Flatten");
    }
}

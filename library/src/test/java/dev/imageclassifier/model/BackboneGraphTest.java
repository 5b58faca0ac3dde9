package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.imageclassifier.TestModels;
import dev.imageclassifier.inference.TensorBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BackboneGraphTest {

    /** An input whose channel means are 0.3, 1.0 and 2.0. */
    static TensorBatch channelMeans() {
        float[] row = new float[3 * 16];
        for (int i = 0; i < 16; i++) {
            row[i] = i % 2 == 0 ? 0.1f : 0.5f;
            row[16 + i] = 1.0f;
            row[32 + i] = i < 8 ? 1.0f : 3.0f;
        }
        return TensorBatch.repeated(row, 1, 3, 4, 4);
    }

    private static float[] features(ModelProto model) throws Exception {
        BackboneGraph backbone = BackboneGraph.cut(model, "synthetic", "0".repeat(64));
        try (OnnxModel session = OnnxModel.create(backbone.featureModel().toByteArray(), BackboneGraph.FEATURES, RuntimeOptions.defaults())) {
            return session.run(channelMeans())[0];
        }
    }

    @Test
    void aFloatGraphIsCutAtTheInputOfItsGemm() throws Exception {
        BackboneGraph backbone = BackboneGraph.cut(SyntheticGraphs.floatClassifier(), "synthetic", "0".repeat(64));
        assertThat(backbone.featureSource()).contains("Gemm").contains("flat");
        assertThat(backbone.featureModel().getGraph().getNodeList()).extracting(n -> n.getOpType())
                .containsExactly("GlobalAveragePool", "Flatten", "Flatten");
        assertThat(backbone.featureModel().getGraph().getInitializerCount()).as("classifier weights pruned").isZero();
        assertThat(features(SyntheticGraphs.floatClassifier())).containsExactly(new float[] {0.3f, 1.0f, 2.0f}, within(1e-6f));
    }

    @Test
    void anInt8GraphIsCutAtItsQLinearMatMulAndDequantized() throws Exception {
        BackboneGraph backbone = BackboneGraph.cut(SyntheticGraphs.int8Classifier(), "synthetic-int8", "0".repeat(64));
        assertThat(backbone.featureSource()).contains("QLinearMatMul").contains("dequantized");
        // Quantized with scale 0.1: the features come back as multiples of 0.1.
        assertThat(features(SyntheticGraphs.int8Classifier())).containsExactly(new float[] {0.3f, 1.0f, 2.0f}, within(1e-5f));
    }

    @Test
    void aGraphWithoutAClassifierNodeIsAClearError() {
        assertThatThrownBy(() -> BackboneGraph.cut(SyntheticGraphs.noClassifier(), "relu-only", "0".repeat(64)))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("No classifier node (Gemm, MatMul or QLinearMatMul) found")
                .hasMessageContaining("[Relu]");
    }

    @Test
    void theRealBackbonesGiveTheirKnownFeatureWidths() throws Exception {
        BackboneGraph mobilenet = BackboneGraph.load(TestModels.MOBILENET, "mobilenetv2-int8");
        assertThat(mobilenet.sha256()).isEqualTo("83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f");
        assertThat(mobilenet.featureSource()).contains("QLinearMatMul").contains("dequantized");
        BackboneGraph resnet = BackboneGraph.load(TestModels.RESNET50_RANDOM, "resnet50-random");
        assertThat(resnet.featureSource()).contains("Gemm").contains("/Flatten_output_0");
        try (OnnxModel m = OnnxModel.create(mobilenet.featureModel().toByteArray(), BackboneGraph.FEATURES, RuntimeOptions.defaults());
             OnnxModel r = OnnxModel.create(resnet.featureModel().toByteArray(), BackboneGraph.FEATURES, RuntimeOptions.defaults())) {
            assertThat(m.outputWidth(3, 224, 224)).isEqualTo(1280);
            assertThat(r.outputWidth(3, 224, 224)).isEqualTo(2048);
        }
    }

    @Test
    void aClassifierTrainedHereIsRefusedAsABackboneWithWhatToPassInstead(@TempDir Path dir) throws Exception {
        Path classifier = TestModels.randomHeadClassifier(dir, List.of("ant", "bee", "cat"), 1);

        assertThatThrownBy(() -> BackboneGraph.load(classifier, "classifier"))
                .isInstanceOf(InvalidModelException.class)
                .hasMessage(classifier + " is a classifier trained by this project (3 classes, backbone mobilenetv2-int8), not a backbone:"
                        + " it was made from the ImageNet backbone mobilenetv2-int8")
                .satisfies(e -> {
                    assertThat(((InvalidModelException) e).problem()).isEqualTo(InvalidModelException.Problem.NOT_A_BACKBONE);
                    assertThat(((InvalidModelException) e).file()).isEqualTo(classifier);
                });
    }

    @Test
    void filesThatAreNoOnnxModelAreNamedForWhatTheyAre(@TempDir Path dir) throws Exception {
        String advice = ". A backbone is an ImageNet classifier in ONNX form: a registered name (resnet50, mobilenetv2-int8), an .onnx file"
                + " or an http(s) URL of one";
        Path text = Files.writeString(dir.resolve("backbone.onnx"), "# my notes about backbones\nuse resnet50\n");
        assertThatThrownBy(() -> BackboneGraph.load(text, "backbone"))
                .isInstanceOf(InvalidModelException.class)
                .hasMessage(text + " is not an ONNX model: it is a text file that begins \"# my notes about backbones\"" + advice);

        Path photo = dir.resolve("photo.onnx");
        Files.copy(TestModels.CALTECH.resolve("ant/image_0001.jpg"), photo);
        assertThatThrownBy(() -> BackboneGraph.load(photo, "photo"))
                .hasMessage(photo + " is not an ONNX model: it is a JPEG image" + advice);

        Path empty = Files.createFile(dir.resolve("empty.onnx"));
        assertThatThrownBy(() -> BackboneGraph.load(empty, "empty")).hasMessage(empty + " is not an ONNX model: it is empty" + advice);
    }
}

package dev.imageclassifier.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.TestModels;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.model.OnnxProtos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The whole quantization of a small real classifier file on real (synthetic) photos. */
class QuantizerTest {

    private static final QuantizationSettings QUICK = QuantizationSettings.defaults().withMethod(CalibrationMethod.MINMAX)
            .withSpeedRun(Duration.ofMillis(20));

    @TempDir
    Path dir;

    private QuantizationResult quantize(Path model, Path split, int calibration, QuantizationSettings settings) throws Exception {
        QuantizationImages images = QuantizationImages.fromSplit(SplitManifest.read(split), calibration, 42);
        return Quantizer.quantize(model, images, settings);
    }

    @Test
    void aCalibrationOnImagesLikeTheValidationOnesKeepsEveryAnswer() throws Exception {
        Path model = SyntheticClassifier.write(dir.resolve("float.onnx"));
        Path split = SyntheticClassifier.split(dir.resolve("photos"), 4, -1);
        QuantizationResult result = quantize(model, split, 4, QUICK);
        assertThat(result.floatTop1()).isEqualTo(1.0);
        assertThat(result.int8Top1()).isEqualTo(1.0);
        assertThat(result.agreement()).isEqualTo(1.0);
        assertThat(result.withinMaxDrop()).isTrue();
        assertThat(result.report()).containsEntry("calibration_images", 4).containsEntry("method", "minmax")
                .containsEntry("val_images", 8).containsEntry("head", "float").containsKeys("float_images_per_s", "int8_images_per_s");

        Path out = dir.resolve("int8.onnx");
        result.write(out, dir.resolve("results"));
        assertThat(dir.resolve("results/quantization.json")).content().contains("\"int8_top1\" : 1.0", "\"agreement\" : 1.0");
        assertThat(OnnxProtos.read(out).getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .contains("QuantizeLinear", "DequantizeLinear", "Conv", "Gemm").doesNotContain("Relu");
        try (ImageClassifier int8 = ImageClassifier.load(out)) {
            assertThat(int8.info().quantization()).containsEntry("float_top1", 1.0).containsEntry("agreement", 1.0);
            assertThat(int8.info().metrics()).containsEntry("accuracy", 1.0);
            assertThat(int8.labels()).isEqualTo(SyntheticClassifier.LABELS);
        }
    }

    @Test
    void oneWhiteCalibrationImageWithMinmaxLosesTheBrightImagesAndTheGuardSaysSo() throws Exception {
        Path model = SyntheticClassifier.write(dir.resolve("float.onnx"));
        Path split = SyntheticClassifier.split(dir.resolve("photos"), 4, SyntheticClassifier.WHITE);
        QuantizationResult result = quantize(model, split, 1, QUICK);
        assertThat(result.report()).containsEntry("calibration_images", 1);
        assertThat(result.floatTop1()).isEqualTo(1.0);
        assertThat(result.int8Top1()).isEqualTo(0.5); // every bright image called dim
        assertThat(result.dropPoints()).isEqualTo(50.0);
        assertThat(result.withinMaxDrop()).isFalse();
        assertThat(result.report()).containsEntry("within_max_drop", false);
    }

    @Test
    void anAlreadyQuantizedModelIsAClearError() throws Exception {
        Path model = SyntheticClassifier.write(dir.resolve("float.onnx"));
        Path split = SyntheticClassifier.split(dir.resolve("photos"), 2, -1);
        Path int8 = dir.resolve("int8.onnx");
        quantize(model, split, 2, QUICK).write(int8, dir);
        assertThatThrownBy(() -> quantize(int8, split, 2, QUICK)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("is already quantized").hasMessageContaining("QuantizeLinear");
        Path zooInt8 = TestModels.randomHeadClassifier(dir.resolve("zoo"), SyntheticClassifier.LABELS, 1);
        assertThatThrownBy(() -> quantize(zooInt8, split, 2, QUICK)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("is already quantized").hasMessageContaining("QLinearConv");
    }

    @Test
    void aModelThatIsNotAClassifierOfThisProjectIsAClearError() throws Exception {
        Path split = SyntheticClassifier.split(dir.resolve("photos"), 2, -1);
        Path backbone = dir.resolve("backbone.onnx");
        Files.write(backbone, SyntheticClassifier.backbone().toByteArray());
        assertThatThrownBy(() -> quantize(backbone, split, 2, QUICK)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("not a classifier made by this project");
        assertThat(List.of(dir.toFile().list())).doesNotContain("quantization.json");
    }
}

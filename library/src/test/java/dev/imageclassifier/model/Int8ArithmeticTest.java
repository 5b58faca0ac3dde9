package dev.imageclassifier.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.imageclassifier.TestModels;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class Int8ArithmeticTest {

    @Test
    void onlyX86CpusWithoutVnniNeedExactWeightsUnlessTold() {
        assertThat(Int8Arithmetic.needed(null, Set.of("avx", "avx2", "fma"))).isTrue();           // AMD Zen 3, older Intel
        assertThat(Int8Arithmetic.needed(null, Set.of("avx2", "avx512f", "avx512_vnni"))).isFalse(); // Ice Lake and later
        assertThat(Int8Arithmetic.needed(null, Set.of("avx2", "avx_vnni"))).isFalse();
        assertThat(Int8Arithmetic.needed(null, Set.of())).isFalse();                              // unknown: leave alone
        assertThat(Int8Arithmetic.needed("off", Set.of("avx2"))).isFalse();
        assertThat(Int8Arithmetic.needed("on", Set.of("avx512_vnni"))).isTrue();
    }

    @Test
    void theZooMobileNetsInt8WeightsBecomeTheSameNumbersInUint8() throws Exception {
        ModelProto original = ModelProto.parseFrom(Files.readAllBytes(TestModels.MOBILENET));
        ModelProto exact = Int8Arithmetic.withUnsignedWeights(original);
        Map<String, TensorProto> before = initializers(original);
        Map<String, TensorProto> after = initializers(exact);
        int rewritten = 0;
        for (NodeProto node : original.getGraph().getNodeList()) {
            if (!node.getOpType().equals("QLinearConv")) {
                continue;
            }
            TensorProto weight = after.get(node.getInput(3));
            TensorProto zeroPoint = after.get(node.getInput(5));
            if (weight.getDataType() == TensorProto.DataType.UINT8_VALUE) {
                rewritten++;
                assertThat(zeroPoint.getDataType()).isEqualTo(TensorProto.DataType.UINT8_VALUE);
                int[] oldW = values(before.get(node.getInput(3)), true);
                int[] newW = values(weight, false);
                int oldZero = values(before.get(node.getInput(5)), true)[0];
                int newZero = values(zeroPoint, false)[0];
                for (int i = 0; i < oldW.length; i++) {
                    assertThat(newW[i] - newZero).isEqualTo(oldW[i] - oldZero);
                }
            }
        }
        assertThat(rewritten).as("QLinearConv weights rewritten").isGreaterThan(40);
    }

    @Test
    void weightsThatFitInSevenBitsCannotSaturateAndStayAsTheyAre() throws Exception {
        ModelProto original = ModelProto.parseFrom(Files.readAllBytes(TestModels.MOBILENET));
        ModelProto.Builder reduced = original.toBuilder();
        for (int i = 0; i < reduced.getGraph().getInitializerCount(); i++) {
            TensorProto t = reduced.getGraph().getInitializer(i);
            if (t.getDataType() == TensorProto.DataType.INT8_VALUE && !t.getRawData().isEmpty()) {
                byte[] raw = t.getRawData().toByteArray();
                for (int k = 0; k < raw.length; k++) {
                    raw[k] = (byte) (raw[k] / 2); // into [-64, 63]
                }
                reduced.getGraphBuilder().setInitializer(i, t.toBuilder().setRawData(com.google.protobuf.ByteString.copyFrom(raw)));
            }
        }
        ModelProto model = reduced.build();
        assertThat(Int8Arithmetic.withUnsignedWeights(model)).isSameAs(model);
    }

    private static Map<String, TensorProto> initializers(ModelProto model) {
        Map<String, TensorProto> map = new HashMap<>();
        model.getGraph().getInitializerList().forEach(t -> map.put(t.getName(), t));
        return map;
    }

    private static int[] values(TensorProto tensor, boolean signed) {
        if (!tensor.getRawData().isEmpty()) {
            byte[] raw = tensor.getRawData().toByteArray();
            int[] out = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                out[i] = signed ? raw[i] : raw[i] & 0xFF;
            }
            return out;
        }
        return tensor.getInt32DataList().stream().mapToInt(Integer::intValue).toArray();
    }
}

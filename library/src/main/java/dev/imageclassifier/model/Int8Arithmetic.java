package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Keeps int8 models exact on CPUs without VNNI. There, ONNX Runtime multiplies uint8 activations by int8
 * weights with AVX2's {@code vpmaddubsw}, whose 16-bit pair sums saturate when weights use the full int8
 * range: the ONNX Model Zoo's MobileNetV2-int8 then scores 89.7 % instead of 93.7 % on Caltech-101 with
 * the same classifier file. Weights stored as uint8 (value + 128, zero point + 128: the same numbers)
 * take the exact uint8 × uint8 kernels instead, at about 30 % more CPU time for that model. Weights that
 * already fit in 7 bits (quantized with reduced range) cannot saturate and are left alone.
 */
public final class Int8Arithmetic {

    private static final Set<String> CPU_FLAGS = cpuFlags();

    /** Whether this process rewrites full-range int8 weights: on x86 CPUs without VNNI, unless switched off. */
    public static final boolean EXACT_WEIGHTS_NEEDED = needed(System.getenv("INT8_EXACT"), CPU_FLAGS);

    /**
     * Empty where int8 models compute exactly; otherwise a tag for caches of their outputs, so features of
     * saturating arithmetic ({@code INT8_EXACT=off} on a CPU without VNNI) never mix with exact ones.
     */
    public static String cacheTag() {
        return needed("auto", CPU_FLAGS) && !EXACT_WEIGHTS_NEEDED ? ",int8-saturating" : "";
    }

    private Int8Arithmetic() {
    }

    /** {@code INT8_EXACT=off} keeps the faster, saturating kernels; {@code on} forces the rewrite; else auto. */
    static boolean needed(String setting, Set<String> cpuFlags) {
        String mode = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "on", "true", "1" -> true;
            case "off", "false", "0" -> false;
            default -> cpuFlags.contains("avx2") && !cpuFlags.contains("avx512_vnni") && !cpuFlags.contains("avx_vnni")
                    && !cpuFlags.contains("amx_int8");
        };
    }

    /** The flags of the first CPU in /proc/cpuinfo; empty elsewhere (then nothing is rewritten). */
    private static Set<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: assume a CPU that needs nothing
        }
        return Set.of();
    }

    /** The model with full-range int8 weights stored as uint8 when this CPU needs it, else the same bytes. */
    public static byte[] forThisCpu(byte[] model) throws InvalidModelException {
        if (!EXACT_WEIGHTS_NEEDED) {
            return model;
        }
        try {
            ModelProto proto = ModelProto.parseFrom(model);
            ModelProto exact = withUnsignedWeights(proto);
            return exact == proto ? model : exact.toByteArray();
        } catch (InvalidProtocolBufferException e) {
            return model; // not ours to judge: ONNX Runtime will say what is wrong with it
        }
    }

    /** Rewrites the int8 weight (and its zero point) of every quantized Conv/MatMul that could saturate. */
    static ModelProto withUnsignedWeights(ModelProto model) {
        GraphProto graph = model.getGraph();
        Map<String, Integer> initializers = new HashMap<>();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            initializers.put(graph.getInitializer(i).getName(), i);
        }
        Set<String> rewrite = new LinkedHashSet<>();
        for (NodeProto node : graph.getNodeList()) {
            int[] inputs = switch (node.getOpType()) {
                case "QLinearConv", "QLinearMatMul" -> new int[] {3, 5};   // weight, weight zero point
                case "DequantizeLinear" -> new int[] {0, 2};               // QDQ weight, its zero point
                default -> null;
            };
            if (inputs == null || node.getInputCount() <= inputs[1]) {
                continue;
            }
            Integer weight = initializers.get(node.getInput(inputs[0]));
            Integer zeroPoint = initializers.get(node.getInput(inputs[1]));
            if (weight != null && zeroPoint != null && isInt8(graph.getInitializer(weight)) && isInt8(graph.getInitializer(zeroPoint))
                    && !fitsSevenBits(graph.getInitializer(weight))) {
                rewrite.add(node.getInput(inputs[0]));
                rewrite.add(node.getInput(inputs[1]));
            }
        }
        if (rewrite.isEmpty()) {
            return model;
        }
        GraphProto.Builder exact = graph.toBuilder();
        for (String name : rewrite) {
            int index = initializers.get(name);
            exact.setInitializer(index, unsigned(graph.getInitializer(index)));
        }
        return model.toBuilder().setGraph(exact).build();
    }

    private static boolean isInt8(TensorProto tensor) {
        return tensor.getDataType() == TensorProto.DataType.INT8_VALUE;
    }

    /** Weights in [-64, 63]: even 255 × 64 × 2 stays below the 16-bit limit. */
    private static boolean fitsSevenBits(TensorProto weight) {
        for (int value : values(weight)) {
            if (value < -64 || value > 63) {
                return false;
            }
        }
        return true;
    }

    private static int[] values(TensorProto tensor) {
        if (!tensor.getRawData().isEmpty()) {
            byte[] raw = tensor.getRawData().toByteArray();
            int[] values = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                values[i] = raw[i];
            }
            return values;
        }
        return tensor.getInt32DataList().stream().mapToInt(Integer::intValue).toArray();
    }

    /** The same numbers shifted by 128 into uint8 (ONNX stores both in raw bytes or in int32_data). */
    private static TensorProto unsigned(TensorProto tensor) {
        TensorProto.Builder out = tensor.toBuilder().setDataType(TensorProto.DataType.UINT8_VALUE);
        if (!tensor.getRawData().isEmpty()) {
            byte[] raw = tensor.getRawData().toByteArray();
            for (int i = 0; i < raw.length; i++) {
                raw[i] = (byte) (raw[i] + 128);
            }
            return out.setRawData(ByteString.copyFrom(raw)).build();
        }
        List<Integer> shifted = new ArrayList<>();
        for (int value : tensor.getInt32DataList()) {
            shifted.add(value + 128);
        }
        return out.clearInt32Data().addAllInt32Data(shifted).build();
    }
}

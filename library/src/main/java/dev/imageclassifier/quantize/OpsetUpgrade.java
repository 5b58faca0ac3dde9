package dev.imageclassifier.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.model.OnnxProtos;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Raises a model's ONNX opset to 13, the first whose DequantizeLinear takes per-channel scales
 * ({@code axis}). From opset 11 or 12 only a few operators changed their signature: Squeeze,
 * Unsqueeze, Split and ReduceSum take their axes as an input instead of an attribute (converted
 * here); Softmax, LogSoftmax and Hardmax changed their meaning for tensors of rank above 2 (accepted
 * only where the input is a Gemm's 2-D output, which every classifier head is).
 */
final class OpsetUpgrade {

    static final int QDQ_OPSET = 13;
    private static final Set<String> AXES_TO_INPUT = Set.of("Squeeze", "Unsqueeze", "ReduceSum");
    private static final Set<String> SOFTMAX_FAMILY = Set.of("Softmax", "LogSoftmax", "Hardmax");

    private OpsetUpgrade() {
    }

    static int opset(ModelProto model) {
        return model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToInt(o -> (int) o.getVersion()).findFirst().orElse(1);
    }

    static ModelProto toQdqOpset(ModelProto model) throws InvalidModelException {
        int opset = opset(model);
        if (opset >= QDQ_OPSET) {
            return model;
        }
        if (opset < 11) {
            throw new InvalidModelException("the model uses ONNX opset " + opset + "; quantization needs opset 11 or later "
                    + "(re-export it with opset 13)");
        }
        GraphProto graph = model.getGraph();
        Map<String, String> producers = new HashMap<>();
        graph.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n.getOpType())));
        GraphProto.Builder upgraded = graph.toBuilder().clearNode();
        for (NodeProto node : graph.getNodeList()) {
            upgraded.addNode(upgrade(node, producers, upgraded));
        }
        ModelProto.Builder out = model.toBuilder().setGraph(upgraded).clearOpsetImport();
        for (OperatorSetIdProto imported : model.getOpsetImportList()) {
            boolean onnx = imported.getDomain().isEmpty() || imported.getDomain().equals("ai.onnx");
            out.addOpsetImport(onnx ? imported.toBuilder().setVersion(QDQ_OPSET).build() : imported);
        }
        return out.build();
    }

    private static NodeProto upgrade(NodeProto node, Map<String, String> producers, GraphProto.Builder graph)
            throws InvalidModelException {
        String op = node.getOpType();
        if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
            return node;
        }
        if (AXES_TO_INPUT.contains(op) || op.equals("Split")) {
            String attribute = op.equals("Split") ? "split" : "axes";
            return attributeToInput(node, attribute, graph);
        }
        if (SOFTMAX_FAMILY.contains(op) && !"Gemm".equals(producers.get(node.getInput(0)))) {
            throw new InvalidModelException("the model uses opset-12 " + op + " (node '" + node.getName() + "') on a tensor of "
                    + "unknown rank, whose meaning changed in opset 13; re-export the model with opset 13");
        }
        return node;
    }

    /** Moves an ints attribute into a new int64 initializer input (input 1), as opset 13 expects. */
    private static NodeProto attributeToInput(NodeProto node, String attribute, GraphProto.Builder graph) {
        List<AttributeProto> matches = node.getAttributeList().stream().filter(a -> a.getName().equals(attribute)).toList();
        if (matches.isEmpty()) {
            return node;
        }
        long[] values = matches.get(0).getIntsList().stream().mapToLong(Long::longValue).toArray();
        String name = (node.getName().isEmpty() ? node.getOutput(0) : node.getName()) + "_" + attribute;
        graph.addInitializer(OnnxProtos.longTensor(name, values, values.length));
        NodeProto.Builder upgraded = node.toBuilder().clearAttribute();
        node.getAttributeList().stream().filter(a -> !a.getName().equals(attribute)).forEach(upgraded::addAttribute);
        if (upgraded.getInputCount() < 2) {
            upgraded.addInput(name);
        } else {
            upgraded.setInput(1, name);
        }
        return upgraded.build();
    }
}

package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adds the class activation maps to a classifier graph as a second output, {@value #OUTPUT} [N, C, h, w]:
 * the head's weights applied at every cell of the backbone's last feature map (the input of the global
 * average pool), as a 1×1 {@code Conv}. Because pool and head are both linear, the mean of class c's map
 * plus its bias is its logit: the map shows where the score came from.
 *
 * <p>The new nodes only feed the new output, and ONNX Runtime runs only what the requested outputs need, so
 * a run that asks for {@value ClassifierModel#OUTPUT} alone costs what it did. Tensors that quantized
 * fusions read (a DequantizeLinear before the pool or the head) are copied, never shared, so those
 * fusions still apply.
 */
public final class ClassActivationGraph {

    /** Name of the class-activation output. */
    public static final String OUTPUT = "class_activations";

    private static final Set<String> TO_HEAD = Set.of("Softmax", "LogSoftmax", "Identity", "DequantizeLinear", "QuantizeLinear", "Cast");
    private static final Set<String> TO_POOL = Set.of("Flatten", "Reshape", "Squeeze", "DequantizeLinear", "QuantizeLinear",
            "Identity", "Clip", "Cast");
    private static final int MAX_WALK = 16;

    private ClassActivationGraph() {
    }

    /** Whether the model already outputs its class activation maps. */
    public static boolean has(ModelProto model) {
        return model.getGraph().getOutputList().stream().anyMatch(o -> o.getName().equals(OUTPUT));
    }

    /**
     * The model with {@value #OUTPUT} added (itself when it has it).
     *
     * @throws InvalidModelException when the graph does not end in global pool → linear head, saying what it met
     */
    public static ModelProto withActivations(ModelProto model) throws InvalidModelException {
        if (has(model)) {
            return model;
        }
        GraphProto graph = model.getGraph();
        Map<String, NodeProto> producers = new HashMap<>();
        graph.getNodeList().forEach(node -> node.getOutputList().forEach(output -> producers.put(output, node)));
        if (graph.getOutputCount() == 0) {
            throw new InvalidModelException("the graph has no output");
        }
        List<String> walked = new ArrayList<>();
        NodeProto head = walk(producers, graph.getOutput(0).getName(), TO_HEAD, Set.of("Gemm"), walked);
        if (head == null) {
            throw new InvalidModelException("no Gemm head before output '" + graph.getOutput(0).getName() + "' (met " + walked + ")");
        }
        walked.clear();
        NodeProto pool = walk(producers, head.getInput(0), TO_POOL,
                Set.of("GlobalAveragePool", "QLinearGlobalAveragePool", "ReduceMean"), walked);
        if (pool == null || !spatialMean(pool)) {
            throw new InvalidModelException("the head's features are not a global average pool of a feature map (met " + walked
                    + (pool == null ? "" : ", " + pool.getOpType() + " over other axes") + ")");
        }

        List<NodeProto> added = new ArrayList<>();
        String map = pool.getOpType().equals("QLinearGlobalAveragePool")
                ? dequantize(added, pool.getInput(0), pool.getInput(1), pool.getInput(2), "cam_feature_map")
                : ownCopy(added, producers, pool.getInput(0), "cam_feature_map");
        String weights = ownCopy(added, producers, head.getInput(1), "cam_head_weight");
        if (intAttribute(head, "transB") == 0) { // [K, C] → [C, K]
            added.add(OnnxProtos.node("Transpose", "cam_weight_transpose", new String[] {weights}, new String[] {"cam_weight_ck"},
                    AttributeProto.newBuilder().setName("perm")
                            .setType(AttributeProto.AttributeType.INTS).addInts(1).addInts(0).build()));
            weights = "cam_weight_ck";
        }
        // [C, K] → [C, K, 1, 1]: a 1×1 convolution kernel (0 keeps a dimension as it is).
        added.add(OnnxProtos.node("Reshape", "cam_weight_reshape", new String[] {weights, "cam_kernel_shape"},
                new String[] {"cam_kernel"}));
        added.add(OnnxProtos.node("Conv", "cam_conv", new String[] {map, "cam_kernel"}, new String[] {OUTPUT}));

        GraphProto.Builder withCam = graph.toBuilder()
                .addInitializer(OnnxProtos.longTensor("cam_kernel_shape", new long[] {0, 0, 1, 1}, 4))
                .addAllNode(added)
                .addOutput(OnnxProtos.floatValue(OUTPUT, batchDim(graph), "classes", "map_height", "map_width"));
        return model.toBuilder().setGraph(withCam).build();
    }

    /** Follows first inputs back from {@code tensor} through {@code through} until a node of {@code wanted}. */
    private static NodeProto walk(Map<String, NodeProto> producers, String tensor, Set<String> through, Set<String> wanted,
                                  List<String> walked) {
        for (int step = 0; step < MAX_WALK; step++) {
            NodeProto node = producers.get(tensor);
            if (node == null) {
                return null;
            }
            walked.add(node.getOpType());
            if (wanted.contains(node.getOpType())) {
                return node;
            }
            if (!through.contains(node.getOpType()) || node.getInputCount() == 0) {
                return null;
            }
            tensor = node.getInput(0);
        }
        return null;
    }

    /** GlobalAveragePool (NCHW), or ReduceMean over axes 2 and 3 only. */
    private static boolean spatialMean(NodeProto pool) {
        if (pool.getOpType().equals("QLinearGlobalAveragePool")) {
            return intAttribute(pool, "channels_last") == 0;
        }
        if (!pool.getOpType().equals("ReduceMean")) {
            return true;
        }
        return pool.getAttributeList().stream().filter(a -> a.getName().equals("axes"))
                .anyMatch(a -> Set.copyOf(a.getIntsList()).equals(Set.of(2L, 3L)) || Set.copyOf(a.getIntsList()).equals(Set.of(-2L, -1L)));
    }

    /**
     * A float tensor the new nodes may read alone: a DequantizeLinear output is recomputed by a copy of
     * its node (ONNX Runtime fuses a DequantizeLinear into its consumer only when it has no other).
     */
    private static String ownCopy(List<NodeProto> added, Map<String, NodeProto> producers, String tensor, String name) {
        NodeProto producer = producers.get(tensor);
        if (producer == null || !producer.getOpType().equals("DequantizeLinear")) {
            return tensor;
        }
        added.add(producer.toBuilder().setName(name + "_dequantize").clearOutput().addOutput(name).build());
        return name;
    }

    private static String dequantize(List<NodeProto> added, String quantized, String scale, String zeroPoint, String name) {
        added.add(OnnxProtos.node("DequantizeLinear", name + "_dequantize", new String[] {quantized, scale, zeroPoint},
                new String[] {name}));
        return name;
    }

    private static long intAttribute(NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).mapToLong(a -> a.getI()).findFirst().orElse(0);
    }

    private static Object batchDim(GraphProto graph) {
        TensorShapeProto shape = graph.getOutput(0).getType().getTensorType().getShape();
        if (shape.getDimCount() == 0) {
            return "batch";
        }
        TensorShapeProto.Dimension dim = shape.getDim(0);
        return dim.hasDimValue() ? (Object) dim.getDimValue() : dim.getDimParam().isEmpty() ? "batch" : dim.getDimParam();
    }
}

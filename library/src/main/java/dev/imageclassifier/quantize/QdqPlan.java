package dev.imageclassifier.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.InvalidModelException;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, for a float graph, which nodes run in int8 and which tensors carry a
 * QuantizeLinear/DequantizeLinear pair, following ONNX Runtime's QDQ conventions:
 * <ul>
 *   <li>Conv, Gemm and MatMul with constant weights: the activation input is quantized, the weight
 *       per channel, the bias to int32; a Conv's output is quantized too (→ QLinearConv), a Gemm's or
 *       MatMul's output stays float (→ QGemm / MatMulIntegerToFloat with float output);</li>
 *   <li>between int8 producers, Add (residual connections), GlobalAveragePool and AveragePool are
 *       quantized too (→ QLinearAdd, QLinearGlobalAveragePool), and MaxPool keeps its input's
 *       parameters (ONNX Runtime then runs it on uint8 directly): no float detour between layers;</li>
 *   <li>a Relu or Clip right after an int8 producer is folded into the producer's output
 *       quantization (the uint8 range of the activation's output already clamps), as ONNX Runtime's
 *       tool does.</li>
 * </ul>
 * The trained head ({@code Gemm} on {@value BackboneGraph#FEATURES}) stays float unless asked.
 */
final class QdqPlan {

    enum Kind { CONV, GEMM, MATMUL, ADD, POOL, MAX_POOL }

    /**
     * @param weight      the weight initializer (resolved through Identity nodes), or null
     * @param bias        the bias initializer, or null
     * @param channelAxis the weight's output-channel axis
     */
    record QuantizedNode(Kind kind, TensorProto weight, TensorProto bias, int channelAxis) {

        boolean quantizesOutput() {
            return kind == Kind.CONV || kind == Kind.ADD || kind == Kind.POOL || kind == Kind.MAX_POOL;
        }
    }

    private final GraphProto graph;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, String> identities = new HashMap<>();
    private final Map<String, Integer> consumerCount = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    /** Node index → how it is quantized. */
    private final Map<Integer, QuantizedNode> quantized = new LinkedHashMap<>();
    /** Indices of the Relu/Clip nodes folded away. */
    private final Set<Integer> folded = new HashSet<>();
    /** Output of an int8 producer → the folded activation's output it now writes directly. */
    private final Map<String, String> renamed = new HashMap<>();
    /** Tensors with a Q/DQ pair, in graph order (names after folding). */
    private final Set<String> activations = new LinkedHashSet<>();
    /** MaxPool output → the tensor whose parameters it keeps. */
    private final Map<String, String> shared = new HashMap<>();
    /** Tensors written by int8 producers (names after folding). */
    private final Set<String> int8Tensors = new HashSet<>();

    private QdqPlan(GraphProto graph) {
        this.graph = graph;
    }

    static QdqPlan of(GraphProto graph, boolean quantizeHead) throws InvalidModelException {
        QdqPlan plan = new QdqPlan(graph);
        plan.index();
        List<NodeProto> nodes = graph.getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            plan.visit(i, nodes.get(i), quantizeHead);
        }
        if (plan.quantized.values().stream().noneMatch(q -> q.weight() != null)) {
            throw new InvalidModelException("nothing to quantize: the graph has no Conv, Gemm or MatMul with constant weights");
        }
        return plan;
    }

    private void index() {
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        graph.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
        for (NodeProto node : graph.getNodeList()) {
            node.getInputList().forEach(input -> consumerCount.merge(input, 1, Integer::sum));
            if (node.getOpType().equals("Identity") && initializers.containsKey(node.getInput(0))) {
                identities.put(node.getOutput(0), node.getInput(0));
            }
        }
    }

    private void visit(int index, NodeProto node, boolean quantizeHead) throws InvalidModelException {
        switch (node.getOpType()) {
            case "Conv" -> weighted(index, node, Kind.CONV, 0, true);
            case "Gemm" -> {
                boolean head = node.getInput(0).equals(BackboneGraph.FEATURES);
                if ((quantizeHead || !head) && intAttribute(node, "transA", 0) == 0
                        && floatAttribute(node, "alpha", 1f) == 1f && floatAttribute(node, "beta", 1f) == 1f) {
                    weighted(index, node, Kind.GEMM, intAttribute(node, "transB", 0) == 1 ? 0 : 1, false);
                }
            }
            case "MatMul" -> weighted(index, node, Kind.MATMUL, 1, false);
            case "Add" -> {
                if (node.getInputCount() == 2 && int8Tensors.contains(node.getInput(0)) && int8Tensors.contains(node.getInput(1))) {
                    add(index, node, new QuantizedNode(Kind.ADD, null, null, 0), node.getInputList());
                }
            }
            case "GlobalAveragePool", "AveragePool" -> {
                if (int8Tensors.contains(node.getInput(0))) {
                    add(index, node, new QuantizedNode(Kind.POOL, null, null, 0), List.of(node.getInput(0)));
                }
            }
            case "MaxPool" -> {
                if (node.getOutputCount() == 1 && int8Tensors.contains(node.getInput(0))) {
                    shared.put(node.getOutput(0), node.getInput(0));
                    add(index, node, new QuantizedNode(Kind.MAX_POOL, null, null, 0), List.of(node.getInput(0)));
                }
            }
            case "Relu", "Clip" -> fold(index, node);
            default -> { }
        }
    }

    private void weighted(int index, NodeProto node, Kind kind, int channelAxis, boolean minRank3) {
        TensorProto weight = node.getInputCount() > 1 ? constant(node.getInput(1)) : null;
        if (weight == null || constant(node.getInput(0)) != null || weight.getDataType() != TensorProto.DataType.FLOAT.getNumber()
                || (minRank3 ? weight.getDimsCount() < 3 : weight.getDimsCount() != 2)) {
            return;
        }
        TensorProto bias = null;
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
            bias = constant(node.getInput(2));
            boolean perChannel = bias != null && bias.getDimsCount() == 1 && bias.getDims(0) == weight.getDims(channelAxis)
                    && bias.getDataType() == TensorProto.DataType.FLOAT.getNumber();
            if (!perChannel) {
                return; // a broadcast or computed bias: leave this node float
            }
        }
        add(index, node, new QuantizedNode(kind, weight, bias, channelAxis), List.of(node.getInput(0)));
    }

    private void add(int index, NodeProto node, QuantizedNode how, List<String> activationInputs) {
        quantized.put(index, how);
        activations.addAll(activationInputs);
        if (how.quantizesOutput()) {
            activations.add(node.getOutput(0));
            int8Tensors.add(node.getOutput(0));
        }
    }

    /** Folds a Relu/Clip whose only input is the only use of an int8 producer's output. */
    private void fold(int index, NodeProto node) throws InvalidModelException {
        String input = node.getInput(0);
        if (!int8Tensors.contains(input) || shared.containsKey(input) || consumerCount.getOrDefault(input, 0) != 1
                || graphOutputs.contains(input) || !clampsAroundZero(node)) {
            return;
        }
        String output = node.getOutput(0);
        folded.add(index);
        renamed.put(input, output);
        int8Tensors.remove(input);
        int8Tensors.add(output);
        activations.remove(input);
        activations.add(output);
    }

    /** Relu, or a Clip with constant bounds lo ≤ 0 ≤ hi: then the uint8 range of its output clamps at least as tightly. */
    private boolean clampsAroundZero(NodeProto node) throws InvalidModelException {
        if (node.getOpType().equals("Relu")) {
            return true;
        }
        float low = -Float.MAX_VALUE;
        float high = Float.MAX_VALUE;
        if (node.getInputCount() > 1) { // opset ≥ 11: bounds are inputs
            Float lo = scalar(node.getInputCount() > 1 ? node.getInput(1) : "");
            Float hi = scalar(node.getInputCount() > 2 ? node.getInput(2) : "");
            if ((node.getInputCount() > 1 && !node.getInput(1).isEmpty() && lo == null)
                    || (node.getInputCount() > 2 && !node.getInput(2).isEmpty() && hi == null)) {
                return false;
            }
            low = lo == null ? low : lo;
            high = hi == null ? high : hi;
        } else {
            low = floatAttribute(node, "min", low);
            high = floatAttribute(node, "max", high);
        }
        return low <= 0 && high >= 0;
    }

    private Float scalar(String name) throws InvalidModelException {
        TensorProto tensor = name.isEmpty() ? null : constant(name);
        if (tensor == null || tensor.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            return null;
        }
        float[] values = Initializers.floats(tensor);
        return values.length == 1 ? values[0] : null;
    }

    /** The initializer behind a name, looking through Identity nodes; null for computed tensors. */
    TensorProto constant(String name) {
        TensorProto tensor = initializers.get(name);
        return tensor != null ? tensor : identities.containsKey(name) ? initializers.get(identities.get(name)) : null;
    }

    private static long intAttribute(NodeProto node, String name, long fallback) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name) && a.getType() == AttributeProto.AttributeType.INT)
                .mapToLong(AttributeProto::getI).findFirst().orElse(fallback);
    }

    private static float floatAttribute(NodeProto node, String name, float fallback) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name) && a.getType() == AttributeProto.AttributeType.FLOAT)
                .map(AttributeProto::getF).findFirst().orElse(fallback);
    }

    GraphProto graph() {
        return graph;
    }

    QuantizedNode quantized(int nodeIndex) {
        return quantized.get(nodeIndex);
    }

    boolean isFolded(int nodeIndex) {
        return folded.contains(nodeIndex);
    }

    /** The name a node output has in the quantized graph. */
    String outputName(String original) {
        return renamed.getOrDefault(original, original);
    }

    Set<String> activations() {
        return activations;
    }

    /** The tensor whose quantization parameters {@code tensor} uses (itself, or a MaxPool's input). */
    String parameterSource(String tensor) {
        String source = tensor;
        while (shared.containsKey(source)) {
            source = shared.get(source);
        }
        return source;
    }

    /** Tensors whose ranges calibration must measure (in the float graph they are computed under these same names). */
    Set<String> tensorsToCalibrate() {
        Set<String> tensors = new LinkedHashSet<>();
        activations.forEach(t -> tensors.add(parameterSource(t)));
        return tensors;
    }

    boolean isGraphInput(String name) {
        return graph.getInputList().stream().map(ValueInfoProto::getName).anyMatch(name::equals) && !initializers.containsKey(name);
    }

    /** Counts of quantized nodes by kind, for the report. */
    Map<String, Integer> summary() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        quantized.values().forEach(q -> counts.merge(q.kind().name().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum));
        counts.put("folded_activations", folded.size());
        return counts;
    }
}

package dev.imageclassifier.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.model.OnnxProtos;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the QDQ form of a float graph from a {@link QdqPlan} and calibrated ranges: weights become
 * int8 initializers read through DequantizeLinear (per channel, {@code axis}), biases int32, and every
 * planned activation gets QuantizeLinear → DequantizeLinear right after the node that computes it. The
 * graph stays plain ONNX (opset 13): any runtime runs it in float, and ONNX Runtime's graph optimiser
 * fuses each {@code DQ → op → Q} group into its int8 kernel.
 */
final class QdqGraph {

    static final String QUANTIZED = "_quantized";
    static final String DEQUANTIZED = "_dequantized";

    private final QdqPlan plan;
    private final Map<String, TensorRange> ranges;
    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final Set<String> written = new HashSet<>();

    private QdqGraph(QdqPlan plan, Map<String, TensorRange> ranges) {
        this.plan = plan;
        this.ranges = ranges;
    }

    /** The quantized graph; float initializers no longer read are dropped. */
    static GraphProto write(QdqPlan plan, Map<String, TensorRange> ranges) throws InvalidModelException {
        return new QdqGraph(plan, ranges).build();
    }

    private GraphProto build() throws InvalidModelException {
        GraphProto graph = plan.graph();
        for (String activation : plan.activations()) {
            if (plan.isGraphInput(activation)) {
                quantizeActivation(activation);
            }
        }
        List<NodeProto> original = graph.getNodeList();
        for (int i = 0; i < original.size(); i++) {
            if (!plan.isFolded(i)) {
                rewrite(original.get(i), plan.quantized(i));
            }
        }
        GraphProto.Builder out = graph.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(initializers);
        String image = graph.getInputList().stream().map(v -> v.getName()).filter(plan::isGraphInput).findFirst().orElse("");
        return BackboneGraph.prune(out.build(), image);
    }

    private void rewrite(NodeProto node, QdqPlan.QuantizedNode how) throws InvalidModelException {
        NodeProto.Builder copy = node.toBuilder().clearInput().clearOutput();
        for (String input : node.getInputList()) {
            copy.addInput(plan.activations().contains(input) ? input + DEQUANTIZED : input);
        }
        node.getOutputList().forEach(output -> copy.addOutput(plan.outputName(output)));
        if (how != null && how.weight() != null) {
            float[] weightScales = quantizeWeight(how, copy);
            if (how.bias() != null) {
                float inputScale = params(node.getInput(0)).scale();
                copy.setInput(2, quantizeBias(how, node.getOutput(0), ChannelQuantizer.biasScales(inputScale, weightScales)));
            }
        }
        nodes.add(copy.build());
        for (String output : copy.getOutputList()) {
            if (plan.activations().contains(output)) {
                quantizeActivation(output);
            }
        }
    }

    /** int8 weight + DequantizeLinear (once per weight and axis); the node reads the dequantized tensor. */
    private float[] quantizeWeight(QdqPlan.QuantizedNode how, NodeProto.Builder node) throws InvalidModelException {
        TensorProto weight = how.weight();
        long[] dims = Initializers.dims(weight);
        ChannelQuantizer.Weights q = ChannelQuantizer.int8PerChannel(Initializers.floats(weight), dims, how.channelAxis());
        String base = weight.getName() + (how.channelAxis() == 0 ? "" : "_axis" + how.channelAxis());
        if (written.add(base)) {
            int channels = q.scales().length;
            initializers.add(Initializers.int8(base + QUANTIZED, q.values(), dims));
            initializers.add(OnnxProtos.floatTensor(base + "_scale", q.scales(), channels));
            initializers.add(Initializers.int8(base + "_zero_point", new byte[channels], channels));
            nodes.add(dequantize(base, how.channelAxis()));
        }
        node.setInput(1, base + DEQUANTIZED);
        return q.scales();
    }

    private String quantizeBias(QdqPlan.QuantizedNode how, String nodeOutput, float[] scales) throws InvalidModelException {
        String base = nodeOutput + "_bias";
        int[] values = ChannelQuantizer.int32Bias(Initializers.floats(how.bias()), scales);
        initializers.add(Initializers.int32(base + QUANTIZED, values, values.length));
        initializers.add(OnnxProtos.floatTensor(base + "_scale", scales, scales.length));
        initializers.add(Initializers.int32(base + "_zero_point", new int[values.length], values.length));
        nodes.add(dequantize(base, 0));
        return base + DEQUANTIZED;
    }

    /** QuantizeLinear → DequantizeLinear on an activation; its consumers read the dequantized tensor. */
    private void quantizeActivation(String tensor) throws InvalidModelException {
        String source = plan.parameterSource(tensor);
        if (written.add(source + "_scale")) {
            QuantParams params = params(source);
            initializers.add(Initializers.floatScalar(source + "_scale", params.scale()));
            initializers.add(Initializers.uint8Scalar(source + "_zero_point", params.zeroPoint()));
        }
        String[] scaleAndZero = {source + "_scale", source + "_zero_point"};
        nodes.add(OnnxProtos.node("QuantizeLinear", tensor + "_QuantizeLinear",
                new String[] {tensor, scaleAndZero[0], scaleAndZero[1]}, new String[] {tensor + QUANTIZED}));
        nodes.add(OnnxProtos.node("DequantizeLinear", tensor + "_DequantizeLinear",
                new String[] {tensor + QUANTIZED, scaleAndZero[0], scaleAndZero[1]}, new String[] {tensor + DEQUANTIZED}));
    }

    private static NodeProto dequantize(String base, int axis) {
        return OnnxProtos.node("DequantizeLinear", base + "_DequantizeLinear",
                new String[] {base + QUANTIZED, base + "_scale", base + "_zero_point"}, new String[] {base + DEQUANTIZED},
                OnnxProtos.intAttribute("axis", axis));
    }

    private QuantParams params(String tensor) throws InvalidModelException {
        TensorRange range = ranges.get(plan.parameterSource(tensor));
        if (range == null) {
            throw new InvalidModelException("no calibrated range for tensor '" + tensor + "'");
        }
        return QuantParams.uint8(range.min(), range.max());
    }
}

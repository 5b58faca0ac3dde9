package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.imageclassifier.io.Sha256;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ImageNet classifier cut just before its final classifier node: the penultimate tensor becomes the
 * graph's only output, {@value #FEATURES} [N, D], dequantised when the graph is int8.
 *
 * <p>The classifier node is found by walking back from the graph output through nodes that only
 * reshape, rescale or normalise (Softmax, Add, DequantizeLinear, ...), until a Gemm, MatMul,
 * QLinearMatMul, QGemm or MatMulInteger is reached; its data input is the feature tensor.
 */
public final class BackboneGraph {

    /** Name of the feature output of the cut graph. */
    public static final String FEATURES = "features";

    private static final Set<String> CLASSIFIER_OPS = Set.of("Gemm", "MatMul", "QLinearMatMul", "QGemm", "MatMulInteger");
    private static final Set<String> PASS_THROUGH_OPS = Set.of("Softmax", "LogSoftmax", "Sigmoid", "Add", "QLinearAdd",
            "Sub", "Mul", "Div", "DequantizeLinear", "QuantizeLinear", "Reshape", "Flatten", "Squeeze", "Unsqueeze",
            "Identity", "Cast", "Dropout", "Transpose");
    private static final int MAX_WALK = 64;

    private final String name;
    private final String sha256;
    private final ModelProto featureModel;
    private final String inputName;
    private final String featureSource;

    private BackboneGraph(String name, String sha256, ModelProto featureModel, String inputName, String featureSource) {
        this.name = name;
        this.sha256 = sha256;
        this.featureModel = featureModel;
        this.inputName = inputName;
        this.featureSource = featureSource;
    }

    /**
     * Reads an ONNX classifier and cuts it at its penultimate tensor. A file that is no ONNX model, or a
     * classifier this project trained, is refused with what it is and what to pass instead.
     */
    public static BackboneGraph load(Path file, String name) throws InvalidModelException {
        ModelProto model;
        try {
            model = OnnxProtos.read(file);
        } catch (InvalidModelException e) {
            throw new InvalidModelException(e.getMessage() + ". A backbone is an ImageNet classifier in ONNX form: a registered name ("
                    + String.join(", ", BackboneRegistry.standard().names()) + "), an .onnx file or an http(s) URL of one", e);
        }
        refuseTrainedClassifier(model, file);
        String sha;
        try {
            sha = Sha256.of(file);
        } catch (IOException e) {
            throw new InvalidModelException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        return cut(model, name, sha);
    }

    /** Our own classifier file carries its labels: cutting it again would stack a second head on the first. */
    private static void refuseTrainedClassifier(ModelProto model, Path file) throws InvalidModelException {
        Map<String, String> props = new HashMap<>();
        model.getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
        if (!props.containsKey(ModelMetadata.LABELS) || !props.containsKey(ModelMetadata.BACKBONE_NAME)) {
            return;
        }
        ModelMetadata metadata = ModelMetadata.fromProperties(props);
        throw new InvalidModelException(InvalidModelException.Problem.NOT_A_BACKBONE, file, file + " is a classifier trained by this "
                + "project (" + metadata.labels().size() + " classes, backbone " + metadata.backboneName()
                + "), not a backbone: it was made from the ImageNet backbone " + metadata.backboneName());
    }

    /** Cuts an in-memory model; {@code sha256} identifies it in caches and metadata. */
    public static BackboneGraph cut(ModelProto model, String name, String sha256) throws InvalidModelException {
        GraphProto graph = model.getGraph();
        Set<String> constants = new HashSet<>();
        graph.getInitializerList().forEach(t -> constants.add(t.getName()));
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            node.getOutputList().forEach(output -> producers.put(output, node));
            if (node.getOpType().equals("Constant")) {
                constants.addAll(node.getOutputList());
            }
        }
        if (graph.getOutputCount() == 0) {
            throw new InvalidModelException("The graph of " + name + " has no output");
        }
        String inputName = imageInput(graph, constants, name);

        NodeProto classifier = null;
        List<String> walked = new ArrayList<>();
        String tensor = graph.getOutput(0).getName();
        for (int step = 0; step < MAX_WALK && classifier == null; step++) {
            NodeProto node = producers.get(tensor);
            if (node == null) {
                break;
            }
            walked.add(node.getOpType());
            if (CLASSIFIER_OPS.contains(node.getOpType())) {
                classifier = node;
            } else if (PASS_THROUGH_OPS.contains(node.getOpType())) {
                tensor = firstComputedInput(node, constants);
                if (tensor == null) {
                    break;
                }
            } else {
                break;
            }
        }
        if (classifier == null) {
            throw new InvalidModelException("No classifier node (Gemm, MatMul or QLinearMatMul) found at the end of "
                    + name + ": walking back from output '" + graph.getOutput(0).getName() + "' met " + walked
                    + ". A backbone must be an ImageNet-style classifier whose last layer is fully connected.");
        }

        List<NodeProto> added = new ArrayList<>();
        String features = classifier.getInput(0);
        String source = "input of " + classifier.getOpType() + " '" + classifier.getName() + "' (" + features + ")";
        switch (classifier.getOpType()) {
            case "QLinearMatMul", "QGemm" -> {
                String dequantized = features + "_dequantized_features";
                added.add(OnnxProtos.node("DequantizeLinear", "features_dequantize",
                        new String[] {features, classifier.getInput(1), classifier.getInput(2)}, new String[] {dequantized}));
                features = dequantized;
                source += ", dequantized";
            }
            case "MatMulInteger" -> {
                NodeProto quantizer = producers.get(features);
                if (quantizer == null || !quantizer.getOpType().equals("DynamicQuantizeLinear")) {
                    throw new InvalidModelException("The MatMulInteger classifier of " + name
                            + " does not read a DynamicQuantizeLinear output; cannot recover float features");
                }
                features = quantizer.getInput(0);
                source = "input of DynamicQuantizeLinear before MatMulInteger '" + classifier.getName() + "' (" + features + ")";
            }
            default -> { }
        }
        added.add(OnnxProtos.node("Flatten", "features_flatten", new String[] {features}, new String[] {FEATURES},
                OnnxProtos.intAttribute("axis", 1)));

        GraphProto.Builder cut = graph.toBuilder().clearNode().addAllNode(graph.getNodeList()).addAllNode(added)
                .clearOutput().addOutput(OnnxProtos.floatValue(FEATURES, batchDim(graph, inputName), "feature_dim"));
        ModelProto featureModel = model.toBuilder().setGraph(prune(cut.build(), inputName)).build();
        return new BackboneGraph(name, sha256, featureModel, inputName, source);
    }

    /** Keeps only the nodes, initializers and value infos that the outputs depend on. */
    public static GraphProto prune(GraphProto graph, String inputName) {
        Set<String> needed = new HashSet<>();
        graph.getOutputList().forEach(o -> needed.add(o.getName()));
        Deque<NodeProto> kept = new ArrayDeque<>();
        List<NodeProto> nodes = graph.getNodeList();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeProto node = nodes.get(i);
            if (node.getOutputList().stream().anyMatch(needed::contains)) {
                kept.addFirst(node);
                OnnxProtos.collectInputs(node, needed);
            }
        }
        GraphProto.Builder pruned = graph.toBuilder().clearNode().addAllNode(kept)
                .clearInitializer().clearInput().clearValueInfo();
        for (TensorProto initializer : graph.getInitializerList()) {
            if (needed.contains(initializer.getName())) {
                pruned.addInitializer(initializer);
            }
        }
        for (ValueInfoProto input : graph.getInputList()) {
            if (input.getName().equals(inputName) || needed.contains(input.getName())) {
                pruned.addInput(input);
            }
        }
        for (ValueInfoProto info : graph.getValueInfoList()) {
            if (needed.contains(info.getName())) {
                pruned.addValueInfo(info);
            }
        }
        return pruned.build();
    }

    private static String imageInput(GraphProto graph, Set<String> constants, String name) throws InvalidModelException {
        for (ValueInfoProto input : graph.getInputList()) {
            if (!constants.contains(input.getName())) {
                return input.getName();
            }
        }
        throw new InvalidModelException("The graph of " + name + " has no image input");
    }

    /** The batch dimension of the image input, kept symbolic in the new output. */
    private static Object batchDim(GraphProto graph, String inputName) {
        for (ValueInfoProto input : graph.getInputList()) {
            if (input.getName().equals(inputName) && input.getType().getTensorType().getShape().getDimCount() > 0) {
                TensorShapeProto.Dimension dim = input.getType().getTensorType().getShape().getDim(0);
                return dim.hasDimValue() ? (Object) dim.getDimValue() : dim.getDimParam().isEmpty() ? "batch" : dim.getDimParam();
            }
        }
        return "batch";
    }

    private static String firstComputedInput(NodeProto node, Set<String> constants) {
        for (String input : node.getInputList()) {
            if (!input.isEmpty() && !constants.contains(input)) {
                return input;
            }
        }
        return null;
    }

    public String name() {
        return name;
    }

    public String sha256() {
        return sha256;
    }

    /** The cut graph: image batch in, {@value #FEATURES} [N, D] out. */
    public ModelProto featureModel() {
        return featureModel;
    }

    public String inputName() {
        return inputName;
    }

    /** Where the features come from, for logs and metadata. */
    public String featureSource() {
        return featureSource;
    }
}

package dev.imageclassifier.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.imageclassifier.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds the one-file classifier: the cut backbone, then {@code Gemm(features, W, b)} and a
 * {@code Softmax}, output {@value Classifier#OUTPUT} [N, C], with the {@link ModelMetadata} in
 * {@code metadata_props}, the last of them the digest of the rest ({@link ModelDigest}). Plain ONNX:
 * any runtime can load it.
 */
public final class ClassifierGraph {

    private ClassifierGraph() {
    }

    /**
     * @param weights row-major [classes × featureDim]
     * @param bias    [classes]
     */
    public static ModelProto build(BackboneGraph backbone, float[] weights, float[] bias, ModelMetadata metadata) {
        int classes = bias.length;
        if (classes != metadata.labels().size() || weights.length != classes * metadata.featureDim()) {
            throw new IllegalArgumentException("head shape [" + classes + " × " + weights.length / Math.max(1, classes)
                    + "] does not match " + metadata.labels().size() + " labels × " + metadata.featureDim() + " features");
        }
        ModelProto features = backbone.featureModel();
        GraphProto graph = features.getGraph();
        Object batch = graph.getOutput(0).getType().getTensorType().getShape().getDim(0).hasDimValue()
                ? graph.getOutput(0).getType().getTensorType().getShape().getDim(0).getDimValue()
                : graph.getOutput(0).getType().getTensorType().getShape().getDim(0).getDimParam();
        GraphProto.Builder head = graph.toBuilder()
                .setName("image-classifier")
                .addInitializer(OnnxProtos.floatTensor("head.weight", weights, classes, metadata.featureDim()))
                .addInitializer(OnnxProtos.floatTensor("head.bias", bias, classes))
                .addNode(OnnxProtos.node("Gemm", "head_gemm", new String[] {BackboneGraph.FEATURES, "head.weight", "head.bias"},
                        new String[] {"logits"}, OnnxProtos.intAttribute("transB", 1)))
                .addNode(OnnxProtos.node("Softmax", "head_softmax", new String[] {"logits"}, new String[] {ClassifierModel.OUTPUT},
                        OnnxProtos.intAttribute("axis", 1)))
                .clearOutput()
                .addOutput(OnnxProtos.floatValue(ClassifierModel.OUTPUT, batch, classes));
        ModelProto.Builder model = features.toBuilder().setGraph(head)
                .setProducerName("image-classifier").setProducerVersion(metadata.projectVersion())
                .setDocString("Image classifier: " + backbone.name() + " features + softmax head over "
                        + classes + " classes. See metadata_props for labels and preprocessing.")
                .clearMetadataProps();
        for (Map.Entry<String, String> entry : metadata.toProperties().entrySet()) {
            model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(entry.getKey()).setValue(entry.getValue()));
        }
        return ModelDigest.stamped(model.build());
    }

    /**
     * Writes the model atomically (a crash leaves the previous file in place), stamped with the digest of its
     * content ({@link ModelDigest}) as it is now.
     */
    public static void write(ModelProto model, Path file) throws IOException {
        AtomicFiles.write(file, ModelDigest.stamped(model)::writeTo);
    }
}

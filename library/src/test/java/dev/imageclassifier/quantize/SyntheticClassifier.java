package dev.imageclassifier.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.model.ClassifierGraph;
import dev.imageclassifier.model.ModelMetadata;
import dev.imageclassifier.model.OnnxProtos;
import dev.imageclassifier.vision.Preprocessing;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tiny real classifier file (Conv → Relu → GlobalAveragePool → Gemm head → Softmax on 224² images) that
 * tells "bright" grey (131) from "dim" grey (128) photos, and PNG photos to go with it. Its first feature
 * is {@code 100 × (red − 0.123)} after ReLU: about 0.25 for bright images, 0 for dim ones, but 212 for a
 * white (255) image — a calibration that sees only white images quantizes every bright image's feature
 * to 0, and the int8 file then calls everything "dim".
 */
public final class SyntheticClassifier {

    public static final List<String> LABELS = List.of("bright", "dim");
    public static final int BRIGHT = 131;
    public static final int DIM = 128;
    public static final int WHITE = 255;

    private SyntheticClassifier() {
    }

    /** The "ImageNet backbone": conv features, pooled, then a (discarded) 3-class Gemm. */
    static ModelProto backbone() {
        float threshold = 0.123f;
        float[] convWeight = {100, 0, 0, 0, 0, 0}; // [2 out × 3 in × 1 × 1]
        float[] convBias = {-100 * threshold, 1};   // feature 0: 100 × (red − 0.123); feature 1: always 1
        return convReluPoolGemm(224, 13, OnnxProtos.floatTensor("conv.weight", convWeight, 2, 3, 1, 1),
                OnnxProtos.floatTensor("conv.bias", convBias, 2), OnnxProtos.floatTensor("fc.weight", new float[6], 3, 2),
                OnnxProtos.floatTensor("fc.bias", new float[3], 3));
    }

    /**
     * input [N, 3, size, size] → Conv → Relu → GlobalAveragePool → Flatten → Gemm (transB) → {@code logits}, with
     * initializers named conv.weight, conv.bias, fc.weight and fc.bias.
     */
    public static ModelProto convReluPoolGemm(int size, int opset, TensorProto convWeight, TensorProto convBias, TensorProto fcWeight,
                                       TensorProto fcBias, AttributeProto... convAttributes) {
        GraphProto graph = GraphProto.newBuilder().setName("conv-relu-pool-gemm")
                .addInput(OnnxProtos.floatValue("input", "batch", 3, size, size))
                .addInitializer(convWeight).addInitializer(convBias).addInitializer(fcWeight).addInitializer(fcBias)
                .addNode(OnnxProtos.node("Conv", "conv", new String[] {"input", "conv.weight", "conv.bias"}, new String[] {"conv"},
                        convAttributes))
                .addNode(OnnxProtos.node("Relu", "relu", new String[] {"conv"}, new String[] {"relu"}))
                .addNode(OnnxProtos.node("GlobalAveragePool", "pool", new String[] {"relu"}, new String[] {"pooled"}))
                .addNode(OnnxProtos.node("Flatten", "flatten", new String[] {"pooled"}, new String[] {"flat"},
                        OnnxProtos.intAttribute("axis", 1)))
                .addNode(OnnxProtos.node("Gemm", "fc", new String[] {"flat", "fc.weight", "fc.bias"}, new String[] {"logits"},
                        OnnxProtos.intAttribute("transB", 1)))
                .addOutput(OnnxProtos.floatValue("logits", "batch", fcWeight.getDims(0)))
                .build();
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(graph).build();
    }

    /** The classifier file: "bright" scores 100 × feature 0, "dim" scores feature 1 (= 1). */
    public static Path write(Path file) throws Exception {
        BackboneGraph backbone = BackboneGraph.cut(backbone(), "synthetic", "0".repeat(64));
        float[] head = {100, 0, 0, 1}; // [2 classes × 2 features]
        ModelMetadata metadata = new ModelMetadata(LABELS, Preprocessing.IMAGENET, "synthetic", "0".repeat(64), 2,
                Map.of("recipe", "hand-made"), Map.of("accuracy", 1.0), "2026-01-01T00:00:00Z", "test");
        Files.createDirectories(file.toAbsolutePath().getParent());
        ClassifierGraph.write(ClassifierGraph.build(backbone, head, new float[2], metadata), file);
        return file;
    }

    /** A 256 × 256 PNG of one grey level. */
    public static Path photo(Path file, int grey) throws Exception {
        BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(grey, grey, grey));
        g.fillRect(0, 0, 256, 256);
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /**
     * A split over photos under {@code root}: {@code perClass} bright and dim photos to validate on, and
     * training photos of grey {@code trainingGrey} (calibration draws from these).
     */
    public static Path split(Path root, int perClass, int trainingGrey) throws Exception {
        List<LabeledImage> images = new ArrayList<>();
        for (String label : LABELS) {
            for (int i = 0; i < perClass; i++) {
                String val = label + "/val-" + i + ".png";
                photo(root.resolve(val), label.equals("bright") ? BRIGHT : DIM);
                images.add(new LabeledImage(val, label, Subset.VAL));
                String train = label + "/train-" + i + ".png";
                photo(root.resolve(train), trainingGrey >= 0 ? trainingGrey : label.equals("bright") ? BRIGHT : DIM);
                images.add(new LabeledImage(train, label, Subset.TRAIN));
            }
        }
        Path file = root.resolve("split.csv");
        new SplitManifest(root, 42, 0.5, images, "test").write(file);
        return file;
    }
}

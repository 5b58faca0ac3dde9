package dev.imageclassifier;

import dev.imageclassifier.model.ModelMetadata;
import dev.imageclassifier.model.PreprocessingProperties;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a classifier file says about itself (its ONNX metadata), read-only: labels in output order, the
 * backbone it was built on, how images are prepared, how it was trained and how well it did.
 *
 * <pre>{@code
 * ModelInfo info = classifier.info();
 * System.out.println(info.labels().size() + " classes on " + info.backbone().name()
 *         + ", validation accuracy " + info.metrics().get("accuracy"));
 * }</pre>
 *
 * @param labels         class names in the model's output order
 * @param backbone       the frozen network the features come from
 * @param preprocessing  how an image becomes the model's input
 * @param metrics        headline validation metrics (accuracy, top5_accuracy, f1_weighted, …)
 * @param training       how it was trained: recipe, seed, split fingerprint, counts, run id
 * @param createdAt      when the file was written (ISO-8601)
 * @param libraryVersion version of this library that wrote it
 * @param quantization   for an int8 file: float and int8 accuracy, agreement, calibration; empty otherwise
 */
public record ModelInfo(List<String> labels, Backbone backbone, Preprocessing preprocessing, Map<String, Object> metrics,
                        Map<String, Object> training, String createdAt, String libraryVersion, Map<String, Object> quantization) {

    /**
     * The backbone a classifier was built on.
     *
     * @param name       e.g. {@code mobilenetv2-int8}
     * @param sha256     SHA-256 of the backbone file
     * @param url        where it was downloaded from, or null for a local file
     * @param featureDim width of its feature vector
     */
    public record Backbone(String name, String sha256, String url, int featureDim) {
    }

    /**
     * How an image becomes the model's input, spelled out so any ONNX runtime can repeat it: framed to
     * {@code crop}×{@code crop} ({@code center-crop}: shorter side to {@code resize}, then the centre;
     * {@code short-side}: the same with resize = crop; {@code whole}: the whole image squeezed), resampled
     * with {@code interpolation}, scaled by {@code scale}, minus {@code mean}, divided by {@code std}.
     *
     * @param framing      {@code center-crop}, {@code short-side} or {@code whole}
     * @param resize       the shorter side's length before a centre crop
     * @param crop         side of the square model input
     * @param mean         per-channel mean (R, G, B)
     * @param std          per-channel standard deviation (R, G, B)
     * @param interpolation the resampling filter
     * @param scale        how 8-bit values are scaled before normalising
     * @param channelOrder channel order of the input
     * @param layout       tensor layout of the input
     */
    public record Preprocessing(String framing, int resize, int crop, List<Float> mean, List<Float> std, String interpolation,
                                String scale, String channelOrder, String layout) {
    }

    /** Name of the HTML meta element in which a report about a model records its {@link #identity()}. */
    public static final String IDENTITY_META_NAME = "image-classifier-model";

    /**
     * Copies the maps and lists, so the record stays read-only.
     *
     * @param labels         class names in the model's output order
     * @param backbone       the frozen network the features come from
     * @param preprocessing  how an image becomes the model's input
     * @param metrics        headline validation metrics
     * @param training       how it was trained
     * @param createdAt      when the file was written (ISO-8601)
     * @param libraryVersion version of this library that wrote it
     * @param quantization   for an int8 file, how it compares to the float one; empty otherwise
     * @throws NullPointerException when a list or map, or one of their entries, is null
     */
    public ModelInfo {
        labels = List.copyOf(labels);
        metrics = Map.copyOf(metrics);
        training = Map.copyOf(training);
        quantization = Map.copyOf(quantization);
    }

    /** @return true for an int8 file made by quantization */
    public boolean quantized() {
        return !quantization.isEmpty();
    }

    /**
     * Which model this is, for files made about it (an evaluation report names the model it describes):
     * its training run and creation time, and whether it is the int8 version.
     *
     * @return a string equal for the same file and different for another training or its int8 version
     */
    public String identity() {
        Object runId = training.get("run_id");
        return createdAt + " " + (runId == null ? "-" : runId) + (quantized() ? " int8" : "");
    }

    static ModelInfo of(ModelMetadata metadata) {
        PreprocessingProperties p = PreprocessingProperties.of(metadata.preprocessing());
        return new ModelInfo(metadata.labels(),
                new Backbone(metadata.backboneName(), metadata.backboneSha256(), metadata.backboneUrl(), metadata.featureDim()),
                new Preprocessing(p.framing(), p.resize(), p.crop(), floats(p.mean()), floats(p.std()), p.interpolation(),
                        p.scale(), p.channelOrder(), p.layout()),
                metadata.metrics(), metadata.training(), metadata.createdAt(), metadata.projectVersion(), metadata.quantization());
    }

    private static List<Float> floats(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return List.copyOf(list);
    }
}

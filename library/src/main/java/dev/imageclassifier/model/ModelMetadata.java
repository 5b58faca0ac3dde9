package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.vision.Preprocessing;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a classifier file says about itself, stored in its ONNX {@code metadata_props}: everything a
 * server or a person needs, so nothing has to be guessed from a data folder.
 *
 * @param labels           class names in output order
 * @param preprocessing    the eval transform the inputs must go through
 * @param backboneName     e.g. {@code mobilenetv2-int8}
 * @param backboneSha256   SHA-256 of the backbone file the features came from
 * @param featureDim       width of the penultimate feature vector
 * @param training         recipe, seed, split fingerprint, counts (free-form, JSON in the file)
 * @param metrics          headline validation metrics (accuracy, top-5, ...)
 * @param createdAt        ISO-8601 instant
 * @param projectVersion   version of this project that wrote the file
 * @param backboneUrl      the http(s) URL the backbone was downloaded from, or null for a local file
 * @param quantization     for an int8 file made by {@code quantize}: float and int8 accuracy, agreement,
 *                         speed, calibration; empty for the file as trained
 */
public record ModelMetadata(List<String> labels, Preprocessing preprocessing, String backboneName, String backboneSha256,
                            int featureDim, Map<String, Object> training, Map<String, Object> metrics,
                            String createdAt, String projectVersion, String backboneUrl, Map<String, Object> quantization) {

    public static final String LABELS = "labels";
    public static final String PREPROCESSING = "preprocessing";
    public static final String BACKBONE_NAME = "backbone.name";
    public static final String BACKBONE_SHA256 = "backbone.sha256";
    public static final String BACKBONE_URL = "backbone.url";
    public static final String FEATURE_DIM = "backbone.feature_dim";
    public static final String TRAINING = "training";
    public static final String METRICS = "metrics";
    public static final String CREATED_AT = "created_at";
    public static final String PROJECT_VERSION = "project.version";
    public static final String OUTPUT = "output";
    public static final String QUANTIZATION = "quantization";

    public ModelMetadata {
        labels = List.copyOf(labels);
        training = Map.copyOf(training);
        metrics = Map.copyOf(metrics);
        quantization = Map.copyOf(quantization);
    }

    /** Metadata of a model as trained (not quantized). */
    public ModelMetadata(List<String> labels, Preprocessing preprocessing, String backboneName, String backboneSha256, int featureDim,
                         Map<String, Object> training, Map<String, Object> metrics, String createdAt, String projectVersion,
                         String backboneUrl) {
        this(labels, preprocessing, backboneName, backboneSha256, featureDim, training, metrics, createdAt, projectVersion, backboneUrl,
                Map.of());
    }

    /** Metadata of a model whose backbone was a local file (no URL to record). */
    public ModelMetadata(List<String> labels, Preprocessing preprocessing, String backboneName, String backboneSha256, int featureDim,
                         Map<String, Object> training, Map<String, Object> metrics, String createdAt, String projectVersion) {
        this(labels, preprocessing, backboneName, backboneSha256, featureDim, training, metrics, createdAt, projectVersion, null);
    }

    /** The same facts for the int8 version of this file: its own metrics and how it was quantized. */
    public ModelMetadata quantized(Map<String, Object> int8Metrics, Map<String, Object> facts) {
        return new ModelMetadata(labels, preprocessing, backboneName, backboneSha256, featureDim, training, int8Metrics,
                createdAt, projectVersion, backboneUrl, facts);
    }

    /** The ONNX metadata_props, every value a string (JSON where structured). */
    public Map<String, String> toProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(LABELS, Json.compact(labels));
        props.put(PREPROCESSING, Json.compact(PreprocessingProperties.of(preprocessing)));
        props.put(BACKBONE_NAME, backboneName);
        props.put(BACKBONE_SHA256, backboneSha256);
        if (backboneUrl != null) {
            props.put(BACKBONE_URL, backboneUrl);
        }
        props.put(FEATURE_DIM, Integer.toString(featureDim));
        props.put(TRAINING, Json.compact(training));
        props.put(METRICS, Json.compact(metrics));
        props.put(CREATED_AT, createdAt);
        props.put(PROJECT_VERSION, projectVersion);
        props.put(OUTPUT, "probabilities: softmax over labels, shape [N, " + labels.size() + "]");
        if (!quantization.isEmpty()) {
            props.put(QUANTIZATION, Json.compact(quantization));
        }
        return props;
    }

    /** Reads the metadata back; a file without our keys is not one of our classifiers. */
    public static ModelMetadata fromProperties(Map<String, String> props) throws InvalidModelException {
        for (String key : List.of(LABELS, PREPROCESSING, BACKBONE_NAME)) {
            if (!props.containsKey(key)) {
                throw new InvalidModelException(InvalidModelException.Problem.NOT_A_CLASSIFIER, null,
                        "not a classifier made by this project: metadata '" + key + "' is missing (a bare backbone has none)");
            }
        }
        try {
            List<String> labels = Json.MAPPER.readValue(props.get(LABELS), new TypeReference<>() { });
            Preprocessing preprocessing = Json.MAPPER.readValue(props.get(PREPROCESSING), PreprocessingProperties.class)
                    .toPreprocessing();
            Map<String, Object> training = parseMap(props.get(TRAINING));
            Map<String, Object> metrics = parseMap(props.get(METRICS));
            return new ModelMetadata(labels, preprocessing, props.get(BACKBONE_NAME),
                    props.getOrDefault(BACKBONE_SHA256, ""), Integer.parseInt(props.getOrDefault(FEATURE_DIM, "0")),
                    training, metrics, props.getOrDefault(CREATED_AT, ""), props.getOrDefault(PROJECT_VERSION, ""), props.get(BACKBONE_URL),
                    parseMap(props.get(QUANTIZATION)));
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelException("the classifier's metadata is unreadable: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> parseMap(String json) throws IOException {
        return json == null ? Map.of() : Json.MAPPER.readValue(json, new TypeReference<Map<String, Object>>() { });
    }
}

package dev.imageclassifier.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnxruntime.OrtException;
import dev.imageclassifier.ClassifierOptions;
import dev.imageclassifier.Progress;
import dev.imageclassifier.io.Sha256;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.model.ModelDigest;
import dev.imageclassifier.model.ModelMetadata;
import dev.imageclassifier.model.OnnxProtos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Static post-training quantization of a float classifier file, in one call: calibrate activation
 * ranges on training images, write the QDQ graph, then measure float and int8 side by side (validation
 * top-1, agreement, ONNX Runtime speed). Nothing is written: the caller decides with
 * {@link QuantizationResult#withinMaxDrop()} and writes with {@link QuantizationResult#write}.
 */
public final class Quantizer {

    private final QuantizationSettings settings;

    private Quantizer(QuantizationSettings settings) {
        this.settings = settings;
    }

    /** Status lines go to the settings' progress listener. */
    public static QuantizationResult quantize(Path floatModel, QuantizationImages images, QuantizationSettings settings)
            throws InvalidModelException, OrtException, IOException {
        return new Quantizer(settings).run(floatModel, images);
    }

    private QuantizationResult run(Path floatModel, QuantizationImages images) throws InvalidModelException, OrtException, IOException {
        long start = System.nanoTime();
        ModelDigest.requireIntact(floatModel); // a damaged float file would give a well-stamped damaged int8 one
        ModelProto model = OnnxProtos.read(floatModel);
        refuseQuantized(model, floatModel);
        ModelMetadata metadata = ModelMetadata.fromProperties(properties(model));
        ModelProto upgraded = OpsetUpgrade.toQdqOpset(model);
        QdqPlan plan = QdqPlan.of(upgraded.getGraph(), settings.quantizeHead());

        List<String> failures = new ArrayList<>();
        List<float[]> rows = ClassifierImages.tensors(images.calibration(), metadata.preprocessing(), failures);
        failures.stream().limit(5).forEach(f -> settings.progress().note("warning: calibration image skipped: " + f));
        note("Calibrating %d activation tensors on %d images (%s); quantizing %s",
                plan.tensorsToCalibrate().size(), rows.size(), settings.method().id(), plan.summary());
        Map<String, TensorRange> ranges;
        int passes = settings.method() == CalibrationMethod.MINMAX ? 1 : 2;
        try (Progress progress = bar("Calibrate", (long) rows.size() * passes)) {
            ranges = new Calibrator(upgraded, plan.tensorsToCalibrate(), settings.runtime())
                    .ranges(rows, metadata.preprocessing().crop(), settings.method(), settings.percentile(), progress);
        }
        ModelProto int8 = upgraded.toBuilder().setGraph(QdqGraph.write(plan, ranges)).build();
        double calibrationSeconds = (System.nanoTime() - start) / 1e9;

        Path candidate = Files.createTempFile("quantized-", ".onnx");
        try {
            Files.write(candidate, ModelDigest.stamped(int8).toByteArray()); // not the float file's digest, carried over
            Comparison comparison = compare(floatModel, candidate, images, metadata.labels(), rows.get(0));
            Map<String, Object> facts = facts(floatModel, model, int8, rows.size(), plan, comparison);
            facts.put("seconds", Map.of("calibration", round(calibrationSeconds), "total", round((System.nanoTime() - start) / 1e9)));
            ModelProto withFacts = withMetadata(int8, metadata.quantized(
                    Map.of("accuracy", comparison.int8Top1(), "val_images", comparison.images()), facts));
            return new QuantizationResult(withFacts, facts, comparison.floatTop1(), comparison.int8Top1(), comparison.agreement(),
                    settings.maxDropPoints());
        } finally {
            Files.deleteIfExists(candidate);
        }
    }

    /** What float and int8 measured side by side. */
    private record Comparison(double floatTop1, double int8Top1, double agreement, int images, OrtSpeed floatSpeed,
                              OrtSpeed int8Speed) {
    }

    private Comparison compare(Path floatModel, Path int8Model, QuantizationImages images, List<String> labels, float[] row)
            throws InvalidModelException, OrtException {
        int[] truth = new int[images.validation().size()];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = labels.indexOf(images.validationLabels().get(i));
            if (truth[i] < 0) {
                throw new IllegalArgumentException("class '" + images.validationLabels().get(i) + "' of the split is not among the "
                        + "model's " + labels.size() + " labels: this model was trained on another dataset");
            }
        }
        ClassifierOptions options = ClassifierOptions.builder().threads(settings.runtime().intraOpThreads())
                .device(settings.runtime().device()).build();
        int[][] answers = new int[2][];
        try (Progress progress = bar("Evaluate float", truth.length)) {
            answers[0] = ClassifierImages.top1(floatModel, images.validation(), options, progress);
        }
        try (Progress progress = bar("Evaluate int8", truth.length)) {
            answers[1] = ClassifierImages.top1(int8Model, images.validation(), options, progress);
        }
        int counted = 0;
        int floatRight = 0;
        int int8Right = 0;
        int same = 0;
        for (int i = 0; i < truth.length; i++) {
            if (answers[0][i] >= 0) {
                counted++;
                floatRight += answers[0][i] == truth[i] ? 1 : 0;
                int8Right += answers[1][i] == truth[i] ? 1 : 0;
                same += answers[0][i] == answers[1][i] ? 1 : 0;
            }
        }
        if (counted == 0) {
            throw new IllegalArgumentException("no validation image could be decoded");
        }
        if (counted < truth.length) {
            note("warning: %d validation images could not be read or decoded; compared on the other %d",
                    truth.length - counted, counted);
        }
        note("Measuring speed (ONNX Runtime alone, float and int8 taking turns, %d s each)",
                settings.speedRun().toSeconds());
        List<OrtSpeed> speeds = OrtSpeed.compare(List.of(floatModel, int8Model), row, settings.runtime(),
                settings.speedRun(), 2);
        return new Comparison((double) floatRight / counted, (double) int8Right / counted, (double) same / counted, counted,
                speeds.get(0), speeds.get(1));
    }

    private Map<String, Object> facts(Path floatModel, ModelProto original, ModelProto int8, int calibrationImages, QdqPlan plan,
                                      Comparison c) throws IOException {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("float_top1", c.floatTop1());
        facts.put("int8_top1", c.int8Top1());
        facts.put("top1_drop_points", round(100 * (c.floatTop1() - c.int8Top1())));
        facts.put("agreement", c.agreement());
        facts.put("val_images", c.images());
        facts.put("float_images_per_s", round(c.floatSpeed().imagesPerSecond()));
        facts.put("int8_images_per_s", round(c.int8Speed().imagesPerSecond()));
        facts.put("speedup", round(c.int8Speed().imagesPerSecond() / c.floatSpeed().imagesPerSecond()));
        facts.put("float_batch1_ms", round(c.floatSpeed().batch1Millis()));
        facts.put("int8_batch1_ms", round(c.int8Speed().batch1Millis()));
        facts.put("speed_batch_size", OrtSpeed.BATCH);
        facts.put("calibration_images", calibrationImages);
        facts.put("method", settings.method().id());
        if (settings.method() == CalibrationMethod.PERCENTILE) {
            facts.put("percentile", settings.percentile());
        }
        facts.put("max_drop_points", settings.maxDropPoints());
        facts.put("within_max_drop", 100 * (c.floatTop1() - c.int8Top1()) <= settings.maxDropPoints() + 1e-9);
        facts.put("format", "QDQ: uint8 asymmetric activations, int8 symmetric per-channel weights, int32 biases");
        facts.put("head", settings.quantizeHead() ? "int8" : "float");
        facts.put("quantized_nodes", plan.summary());
        facts.put("float_model_sha256", Sha256.of(floatModel));
        facts.put("float_size_bytes", original.getSerializedSize());
        facts.put("int8_size_bytes", int8.getSerializedSize());
        facts.put("quantized_at", Instant.now().toString());
        return facts;
    }

    /** A file with int8 operators (ours or the ONNX Model Zoo's) cannot be quantized again. */
    static void refuseQuantized(ModelProto model, Path file) throws InvalidModelException {
        Map<String, Integer> int8Ops = new TreeMap<>();
        for (NodeProto node : model.getGraph().getNodeList()) {
            String op = node.getOpType();
            if (op.startsWith("QLinear") || op.endsWith("QuantizeLinear") || op.contains("Integer") || op.equals("QGemm")) {
                int8Ops.merge(op, 1, Integer::sum);
            }
        }
        if (!int8Ops.isEmpty() || properties(model).containsKey(ModelMetadata.QUANTIZATION)) {
            throw new InvalidModelException(InvalidModelException.Problem.ALREADY_QUANTIZED, file, file + " is already quantized "
                + "(int8 operators: " + int8Ops + "): only a float classifier (one trained on a float backbone) can be quantized");
        }
    }

    static Map<String, String> properties(ModelProto model) {
        Map<String, String> props = new LinkedHashMap<>();
        model.getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
        return props;
    }

    private static ModelProto withMetadata(ModelProto model, ModelMetadata metadata) {
        ModelProto.Builder out = model.toBuilder().clearMetadataProps()
                .setDocString(model.getDocString() + " Quantized to int8 (QDQ) by image-classifier.");
        metadata.toProperties().forEach((k, v) -> out.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return out.build();
    }

    private void note(String format, Object... args) {
        settings.progress().note(String.format(Locale.ROOT, format, args));
    }

    private Progress bar(String task, long total) {
        return settings.progress().begin(task, total, "img");
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}

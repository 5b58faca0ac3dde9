package dev.imageclassifier.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.TestModels;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.model.Int8Arithmetic;
import dev.imageclassifier.train.Metrics;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.Preprocessing;
import dev.imageclassifier.vision.Preprocessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** prepare → train → evaluate → predict on five real Caltech-101 classes with the real MobileNetV2-int8 backbone. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineTest {

    private static final List<String> CLASSES = List.of("accordion", "anchor", "ant", "barrel", "bass");

    @TempDir
    static Path dir;

    private static Path split;
    private static Path model;
    private static Path results;
    private static Path cache;

    @BeforeAll
    static void prepareFiveClasses() throws Exception {
        Path data = Files.createDirectories(dir.resolve("images"));
        for (String name : CLASSES) {
            Files.createSymbolicLink(data.resolve(name), TestModels.CALTECH.resolve(name));
        }
        Cli prepared = Cli.run("prepare", "--data", data.toString(), "--out", dir.resolve("data").toString());
        assertThat(prepared.exitCode()).as(prepared.err()).isZero();
        assertThat(prepared.out()).contains("Found 240 images in 5 classes");
        split = dir.resolve("data/split.csv");
        model = dir.resolve("model/classifier.onnx");
        results = dir.resolve("results");
        cache = dir.resolve("cache");
    }

    private static Cli train(String backbone) {
        return Cli.run("train", "--split", split.toString(), "--backbone", backbone, "--model", model.toString(),
                "--results", results.toString(), "--cache-dir", cache.toString(), "--no-progress", "--offline");
    }

    @Test
    @Order(1)
    void trainingReachesAccuracyFarAboveChanceAndWritesModelAndMetrics() throws Exception {
        Cli trained = train(TestModels.MOBILENET.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("val accuracy");
        JsonNode metrics = Json.MAPPER.readTree(results.resolve("metrics.json").toFile());
        assertThat(metrics.get("accuracy").asDouble()).isGreaterThan(0.8); // chance is 0.2
        assertThat(metrics.get("class_names")).hasSize(5);
        assertThat(metrics.get("confusion_matrix")).hasSize(5);
        assertThat(metrics.get("backbone").get("feature_dim").asInt()).isEqualTo(1280);
        // The default recipe chose its framing and weight decay on the training images, and says how.
        assertThat(metrics.get("framing").get("candidates")).extracting(c -> c.get("framing").asText())
                .containsExactly("center-crop", "short-side", "whole");
        String framing = metrics.get("framing").get("chosen").asText();
        try (ImageClassifier classifier = ImageClassifier.load(model)) {
            assertThat(classifier.info().preprocessing().framing()).isEqualTo(framing);
        }
        // ... and its weight decay among the recipe's candidates, each judged by its hold-out loss.
        JsonNode decays = metrics.get("regularization").get("candidates");
        assertThat(decays.size()).isGreaterThanOrEqualTo(3);
        assertThat(decays).allSatisfy(c -> assertThat(c.get("holdout_loss").asDouble()).isPositive());
        assertThat(metrics.get("timings").get("features_computed").asInt()).isPositive();
        assertThat(Files.size(model)).isBetween(1_000_000L, 10_000_000L);
    }

    @Test
    @Order(2)
    void aSecondRunReadsEveryFeatureFromTheCache() throws Exception {
        Cli again = train(TestModels.MOBILENET.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        JsonNode metrics = Json.MAPPER.readTree(results.resolve("metrics.json").toFile());
        assertThat(metrics.get("timings").get("features_computed").asInt()).isZero();
        assertThat(metrics.get("timings").get("features_from_cache").asInt()).isPositive();
    }

    @Test
    @Order(3)
    void theFileAloneInOnnxRuntimeAgreesWithEvaluateAndPredict() throws Exception {
        double trainedAccuracy = Json.MAPPER.readTree(results.resolve("metrics.json").toFile()).get("accuracy").asDouble();
        Cli evaluated = Cli.run("evaluate", "--model", model.toString(), "--split", split.toString(),
                "--results", dir.resolve("evaluation").toString(), "--no-progress");
        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        assertThat(Json.MAPPER.readTree(dir.resolve("evaluation/metrics.json").toFile()).get("accuracy").asDouble())
                .isEqualTo(trainedAccuracy);

        SplitManifest manifest = SplitManifest.read(split);
        List<Path> images = manifest.subset(Subset.VAL).stream().map(manifest::resolve).toList();
        List<String> viaPredict = new ArrayList<>();
        Cli predicted = Cli.run(concat(List.of("predict", "--json", "--top-k", "1", "--model", model.toString()), images));
        assertThat(predicted.exitCode()).as(predicted.err()).isZero();
        for (String line : predicted.out().strip().split("\n")) {
            viaPredict.add(Json.MAPPER.readTree(line).get("predicted_class").asText());
        }

        // Plain ONNX Runtime: only the documented preprocessing, and (on x86 CPUs without VNNI only) the
        // documented rewrite of int8 weights that keeps ONNX Runtime's int8 kernels from saturating.
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String framing;
        try (ImageClassifier classifier = ImageClassifier.load(model)) {
            framing = classifier.info().preprocessing().framing(); // chosen by train: part of the documented preprocessing
        }
        Preprocessor preprocessor = new Preprocessor(Preprocessing.IMAGENET.withFraming(dev.imageclassifier.Framing.parse(framing)));
        ImageDecoder decoder = new ImageDecoder();
        byte[] file = Int8Arithmetic.forThisCpu(Files.readAllBytes(model));
        try (OrtSession session = env.createSession(file, new OrtSession.SessionOptions())) {
            List<String> labels = List.of(Json.MAPPER.readValue(session.getMetadata().getCustomMetadata().get("labels"), String[].class));
            for (int i = 0; i < images.size(); i++) {
                // The model input as predict makes it (the fast path: libjpeg-turbo, one-pass resize; within float
                // rounding of the full-size path, which ExactPathTest compares; a near-tie can flip on that rounding).
                float[] tensor = decoder.tensor(Files.readAllBytes(images.get(i)), preprocessor);
                try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(tensor), new long[] {1, 3, 224, 224});
                     OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), input))) {
                    float[] probabilities = ((float[][]) result.get(0).getValue())[0];
                    assertThat(labels.get(Metrics.argmax(probabilities))).as(images.get(i).toString()).isEqualTo(viaPredict.get(i));
                }
            }
        }
    }

    @Test
    @Order(4)
    void aFailedRunLeavesThePreviousModelInPlace() throws Exception {
        byte[] before = Files.readAllBytes(model);
        Path broken = Files.writeString(dir.resolve("broken.onnx"), "this is not an onnx file");
        Cli failed = train(broken.toString());
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).startsWith("error: ");
        assertThat(Files.readAllBytes(model)).isEqualTo(before);
    }

    @Test
    @Order(4)
    void unwritableOutputsFailBeforeTheLongWorkAndLeaveThePairAsItWas() throws Exception {
        byte[] modelBefore = Files.readAllBytes(model);
        byte[] metricsBefore = Files.readAllBytes(results.resolve("metrics.json"));
        Path blocked = Files.createDirectories(dir.resolve("blocked-results/metrics.json")); // a folder where the file goes
        Cli failed = Cli.run("train", "--split", split.toString(), "--backbone", TestModels.MOBILENET.toString(),
                "--model", model.toString(), "--results", blocked.getParent().toString(), "--cache-dir", cache.toString(),
                "--no-progress", "--offline");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).startsWith("error: " + blocked + " is a folder").doesNotContain("Extracting features");
        Cli intoAFolder = Cli.run("train", "--split", split.toString(), "--backbone", TestModels.MOBILENET.toString(),
                "--model", dir.toString(), "--results", results.toString(), "--cache-dir", cache.toString(), "--no-progress",
                "--offline");
        assertThat(intoAFolder.exitCode()).isEqualTo(1);
        assertThat(intoAFolder.err()).startsWith("error: " + dir + " is a folder; give a file name").doesNotContain("Extracting");
        assertThat(Files.readAllBytes(model)).isEqualTo(modelBefore);
        assertThat(Files.readAllBytes(results.resolve("metrics.json"))).isEqualTo(metricsBefore);
    }

    @Test
    @Order(4)
    void theModelAndItsMetricsCarryTheSameRunId() throws Exception {
        String runId = Json.MAPPER.readTree(results.resolve("metrics.json").toFile()).get("run_id").asText();
        try (ImageClassifier classifier = ImageClassifier.load(model)) {
            assertThat(runId).hasSize(36).isEqualTo(classifier.info().training().get("run_id"));
        }
    }

    @Test
    @Order(4)
    void trainWithReportWritesTheVisualReportWithItsOwnTrainingCurves() throws Exception {
        Path reportResults = dir.resolve("report-results");
        Cli trained = Cli.run("train", "--split", split.toString(), "--backbone", TestModels.MOBILENET.toString(), "--model",
                dir.resolve("report-model/classifier.onnx").toString(), "--results", reportResults.toString(), "--cache-dir",
                cache.toString(), "--no-progress", "--offline", "--report");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("Wrote the visual report → " + reportResults.resolve("report.html"));
        String html = Files.readString(reportResults.resolve("report.html"));
        assertThat(html).contains("Evaluation report", "Loss per iteration", "chosen: iteration", "Confusion matrix");
    }

    @Test
    @Order(5)
    void runChainsPrepareTrainAndEvaluate() throws Exception {
        Path runModel = dir.resolve("run/classifier.onnx");
        Cli run = Cli.run("run", "--data", dir.resolve("images").toString(), "--out", dir.resolve("run-data").toString(),
                "--backbone", TestModels.MOBILENET.toString(), "--model", runModel.toString(),
                "--results", dir.resolve("run-results").toString(), "--cache-dir", cache.toString(), "--offline", "--no-serve");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("== prepare", "== train", "== evaluate");
        assertThat(run.out()).contains("Found 240 images", "val accuracy", "Evaluated");
        assertThat(Files.readAllBytes(dir.resolve("run-data/split.csv"))).isEqualTo(Files.readAllBytes(split));
        assertThat(runModel).exists();
        assertThat(dir.resolve("run-results/evaluation/metrics.json")).exists();
    }

    private static String[] concat(List<String> head, List<Path> tail) {
        List<String> all = new ArrayList<>(head);
        tail.forEach(p -> all.add(p.toString()));
        return all.toArray(String[]::new);
    }
}

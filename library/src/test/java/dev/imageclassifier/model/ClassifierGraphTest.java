package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.Prediction;
import dev.imageclassifier.ScoredLabel;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.imageclassifier.vision.Preprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ClassifierGraphTest {

    @TempDir
    Path dir;

    private static final List<String> LABELS = List.of("ant", "bee", "cat");
    // Head over the 3 synthetic features: class c looks at feature c.
    private static final float[] HEAD = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    private static final float[] BIAS = {0, 0, 0.25f};

    private static ModelMetadata metadata() {
        return new ModelMetadata(LABELS, new Preprocessing(4, 4, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f}),
                "synthetic", "ab".repeat(32), 3, Map.of("recipe", Map.of("name", "test"), "seed", 42),
                Map.of("accuracy", 0.9), "2026-11-29T00:00:00Z", "1.2.3");
    }

    private Path writeClassifier() throws Exception {
        BackboneGraph backbone = BackboneGraph.cut(SyntheticGraphs.floatClassifier(), "synthetic", "ab".repeat(32));
        Path file = dir.resolve("model/classifier.onnx");
        ClassifierGraph.write(ClassifierGraph.build(backbone, HEAD, BIAS, metadata()), file);
        return file;
    }

    @Test
    void theClassifierRunsInPlainOnnxRuntimeAndCarriesItsMetadata() throws Exception {
        Path file = writeClassifier();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, BackboneGraphTest.channelMeans().view(), new long[] {1, 3, 4, 4});
             OrtSession.Result result = session.run(Map.of("input", input))) {
            assertThat(session.getOutputNames()).containsExactly("probabilities");
            float[][] probabilities = (float[][]) result.get(0).getValue();
            // softmax([0.3, 1.0, 2.25])
            double a = Math.exp(0.3);
            double b = Math.exp(1.0);
            double c = Math.exp(2.25);
            assertThat(probabilities[0]).containsExactly(new float[] {(float) (a / (a + b + c)), (float) (b / (a + b + c)),
                    (float) (c / (a + b + c))}, within(1e-5f));
            Map<String, String> props = session.getMetadata().getCustomMetadata();
            assertThat(props).containsEntry("labels", "[\"ant\",\"bee\",\"cat\"]").containsEntry("backbone.name", "synthetic")
                    .containsEntry("project.version", "1.2.3").containsKeys("preprocessing", "training", "metrics", "created_at");
        }
    }

    @Test
    void metadataSurvivesTheRoundTrip() throws Exception {
        try (ClassifierModel classifier = ClassifierModel.load(writeClassifier(), RuntimeOptions.defaults())) {
            ModelMetadata read = classifier.metadata();
            assertThat(read.labels()).isEqualTo(LABELS);
            assertThat(read.preprocessing()).isEqualTo(metadata().preprocessing());
            assertThat(read.backboneSha256()).isEqualTo("ab".repeat(32));
            assertThat(read.featureDim()).isEqualTo(3);
            assertThat(read.metrics()).containsEntry("accuracy", 0.9);
            assertThat(read.training()).containsEntry("seed", 42);
            float[] probabilities = classifier.run(BackboneGraphTest.channelMeans())[0];
            Prediction prediction = new Prediction(read.labels(), probabilities, new Prediction.Timing(0, 0, 0, 1));
            assertThat(prediction.top(2)).extracting(ScoredLabel::label).containsExactly("cat", "bee");
        }
    }

    @Test
    void theWrittenFileIsReadableByOthersLikeAnyFileTheUserWrites() throws Exception {
        Path file = writeClassifier();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
    }

    @Test
    void aFailedWriteLeavesThePreviousModelUntouched() throws Exception {
        Path file = writeClassifier();
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> dev.imageclassifier.io.AtomicFiles.write(file, out -> {
            out.write(new byte[1000]);
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void aBareBackboneIsNotAClassifier() {
        assertThatThrownBy(() -> ClassifierModel.load(dev.imageclassifier.TestModels.MOBILENET, RuntimeOptions.defaults()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("not a classifier made by this project");
        assertThatThrownBy(() -> ClassifierModel.load(dir.resolve("missing.onnx"), RuntimeOptions.defaults()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("Model file not found");
    }

    @Test
    void aHeadOfTheWrongShapeIsRefused() throws Exception {
        BackboneGraph backbone = BackboneGraph.cut(SyntheticGraphs.floatClassifier(), "synthetic", "ab".repeat(32));
        assertThatThrownBy(() -> ClassifierGraph.build(backbone, new float[6], BIAS, metadata()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match");
    }
}

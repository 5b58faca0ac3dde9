package dev.imageclassifier.train;

import dev.imageclassifier.io.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 21, hole 5: the order in which a training publishes its model and its metrics.json. */
class TrainingOutputsTest {

    @TempDir
    Path dir;

    @Test
    void theModelIsPublishedFirstSoAStopBetweenTheRenamesLeavesNoMetricsOfAnUnpublishedModel() throws Exception {
        Path model = Files.writeString(dir.resolve("classifier.onnx"), "old model, run A");
        Path metrics = Files.writeString(Files.createDirectories(dir.resolve("results")).resolve("metrics.json"), "run A");
        assertThat(TrainingOutputs.inPublicationOrder(model, out -> { }, metrics, out -> { }).keySet()).containsExactly(model, metrics);

        // The stop between the renames, injected: the metrics.json rename fails after the model's went through.
        AtomicFiles.Writer failingAfterTheModel = out -> out.write("run B".getBytes());
        Files.delete(metrics);
        Files.writeString(Files.createDirectories(metrics).resolve("in-the-way"), "x");
        assertThatThrownBy(() -> AtomicFiles.writeTogether(TrainingOutputs.inPublicationOrder(model,
                out -> out.write("new model, run B".getBytes()), metrics, failingAfterTheModel))).isInstanceOf(IOException.class);
        assertThat(model).hasContent("new model, run B"); // the model is whole; its metrics.json is not the new one
        assertThat(Files.isDirectory(metrics)).isTrue();
        try (var left = Files.walk(dir)) {
            assertThat(left.map(Path::toString).filter(p -> p.endsWith(".tmp")).toList()).isEqualTo(List.of());
        }
    }
}

package dev.imageclassifier.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void filesWrittenTogetherAreAllReplacedOrNoneIs() throws Exception {
        Path metrics = Files.writeString(Files.createDirectories(dir.resolve("results")).resolve("metrics.json"), "old metrics");
        Path model = Files.writeString(dir.resolve("model.onnx"), "old model");
        Map<Path, AtomicFiles.Writer> failing = new LinkedHashMap<>();
        failing.put(metrics, out -> out.write("new metrics".getBytes()));
        failing.put(model, out -> {
            out.write(new byte[1000]);
            throw new IOException("No space left on device");
        });
        assertThatThrownBy(() -> AtomicFiles.writeTogether(failing)).hasMessage("No space left on device");
        assertThat(metrics).hasContent("old metrics"); // written first, yet not renamed: the pair stays as it was
        assertThat(model).hasContent("old model");
        try (Stream<Path> left = Files.walk(dir)) {
            assertThat(left.filter(p -> p.toString().endsWith(".tmp"))).as("temporary files left behind").isEmpty();
        }

        Map<Path, AtomicFiles.Writer> working = new LinkedHashMap<>();
        working.put(metrics, out -> out.write("new metrics".getBytes()));
        working.put(model, out -> out.write("new model".getBytes()));
        AtomicFiles.writeTogether(working);
        assertThat(metrics).hasContent("new metrics");
        assertThat(model).hasContent("new model");
    }

    @Test
    void aTargetThatCannotBeWrittenIsReportedInWordsBeforeAnyWork() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("model.onnx"));
        assertThatThrownBy(() -> AtomicFiles.checkWritable(folder, 0)).hasMessageStartingWith(folder + " is a folder");
        Path underAFile = Files.writeString(dir.resolve("file"), "x").resolve("model.onnx");
        assertThatThrownBy(() -> AtomicFiles.checkWritable(underAFile, 0)).hasMessageStartingWith("cannot write to " + underAFile.getParent());
        assertThatThrownBy(() -> AtomicFiles.checkWritable(dir.resolve("big.onnx"), Long.MAX_VALUE))
                .hasMessageContaining("not enough space in " + dir);
        AtomicFiles.checkWritable(dir.resolve("new/model.onnx"), 1024);
        try (Stream<Path> left = Files.walk(dir.resolve("new"))) {
            assertThat(left.filter(Files::isRegularFile)).as("the check leaves nothing behind").isEmpty();
        }
    }
}

package dev.imageclassifier.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
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

    /** Above Linux's largest process id: no process has it. */
    private static final long GONE = 2_000_000_000L;
    private static final long ALIVE = ProcessHandle.current().pid();

    @Test
    void aWriteRemovesWhatKilledWritersOfItsTargetLeftAndKeepsWhatLiveOnesAreWriting() throws Exception {
        Path target = dir.resolve("model.onnx");
        Path killed = Files.createFile(dir.resolve(".model.onnx." + GONE + "-123.tmp"));
        Path beingWritten = Files.createFile(dir.resolve(".model.onnx." + ALIVE + "-456.tmp"));
        Path fromAnOldVersion = Files.createFile(dir.resolve(".model.onnx.789.tmp"));
        Files.setLastModifiedTime(fromAnOldVersion, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path otherTarget = Files.createFile(dir.resolve(".metrics.json." + GONE + "-1.tmp"));

        AtomicFiles.write(target, "model".getBytes(StandardCharsets.UTF_8));

        assertThat(killed).doesNotExist();
        assertThat(fromAnOldVersion).doesNotExist();
        assertThat(beingWritten).exists();
        assertThat(otherTarget).as("another target's temporaries wait for that target").exists();
        assertThat(AtomicFiles.removeStaleTemporaries(dir.resolve("metrics.json"))).isEqualTo(1);
        assertThat(otherTarget).doesNotExist();
    }

    @Test
    void aProcessIdGivenAgainToALaterProcessDoesNotKeepATemporaryAlive() throws Exception {
        Path target = dir.resolve("metrics.json");
        Path temp = Files.createFile(dir.resolve(".metrics.json." + ALIVE + "-9.tmp"));
        Instant beforeThisProcess = ProcessHandle.current().info().startInstant().orElseThrow().minus(Duration.ofMinutes(5));
        Files.setLastModifiedTime(temp, FileTime.from(beforeThisProcess)); // written by an earlier holder of our id
        assertThat(AtomicFiles.removeStaleTemporaries(target)).isEqualTo(1);
    }

    /** Issue 21: a read-only results folder is named, not the temporary inside it. */
    @Test
    void aFolderThatCannotBeWrittenIsNamedNotTheTemporary() throws Exception {
        Path results = Files.createDirectories(dir.resolve("results"));
        Files.setPosixFilePermissions(results, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(results), "root writes into read-only folders");
            assertThatThrownBy(() -> AtomicFiles.write(results.resolve("metrics.json"), new byte[] {1}))
                    .isInstanceOfSatisfying(java.nio.file.AccessDeniedException.class, e -> {
                        assertThat(e.getFile()).isEqualTo(results.toAbsolutePath().toString());
                        assertThat(e.getMessage()).doesNotContain(".tmp");
                    });
        } finally {
            Files.setPosixFilePermissions(results, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** What a kill between the renames of files written together leaves: the first renamed, the others as they were. */
    @Test
    void aFailureBetweenTheRenamesLeavesTheFirstFileNewAndTheNextOld() throws Exception {
        Path model = Files.writeString(dir.resolve("model.onnx"), "old model");
        Path metrics = Files.createDirectories(dir.resolve("metrics.json"));
        Files.writeString(metrics.resolve("keeps-it-from-being-replaced"), "x"); // the rename over it fails
        Map<Path, AtomicFiles.Writer> files = new LinkedHashMap<>();
        files.put(model, out -> out.write("new model".getBytes()));
        files.put(metrics, out -> out.write("new metrics".getBytes()));
        assertThatThrownBy(() -> AtomicFiles.writeTogether(files)).isInstanceOf(IOException.class);
        assertThat(model).hasContent("new model");
        try (Stream<Path> left = Files.walk(dir)) {
            assertThat(left.filter(p -> p.toString().endsWith(".tmp"))).as("temporary files left behind").isEmpty();
        }
    }

    @Test
    void staleTemporariesAnywhereUnderAFolderAreDeleted() throws Exception {
        Path deep = Files.createDirectories(dir.resolve("a/b"));
        Path dead = Files.write(deep.resolve(".x.f32.999999999-1.tmp"), new byte[0]);
        Path live = Files.write(deep.resolve(".x.f32." + ProcessHandle.current().pid() + "-2.tmp"), new byte[0]);
        Path other = Files.write(deep.resolve("x.f32"), new byte[0]);
        assertThat(AtomicFiles.removeStaleTemporariesUnder(dir)).isEqualTo(1);
        assertThat(dead).doesNotExist();
        assertThat(live).exists();
        assertThat(other).exists();
    }
}

package dev.imageclassifier.io;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AtomicFilesTest {

    /** Above Linux's largest process id: no process has it. */
    private static final long GONE = 2_000_000_000L;
    private static final long ALIVE = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void a_write_leaves_only_the_target_behind() throws Exception {
        Path target = dir.resolve("model.onnx");
        AtomicFiles.write(target, "new".getBytes(StandardCharsets.UTF_8));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
        assertThat(target).hasContent("new");
    }

    @Test
    void a_write_removes_what_killed_writers_of_its_target_left_and_keeps_what_live_ones_are_writing() throws Exception {
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
    void a_process_id_given_again_to_a_later_process_does_not_keep_a_temporary_alive() throws Exception {
        Path target = dir.resolve("metrics.json");
        Path temp = Files.createFile(dir.resolve(".metrics.json." + ALIVE + "-9.tmp"));
        Instant beforeThisProcess = ProcessHandle.current().info().startInstant().orElseThrow().minus(Duration.ofMinutes(5));
        Files.setLastModifiedTime(temp, FileTime.from(beforeThisProcess)); // written by an earlier holder of our id
        assertThat(AtomicFiles.removeStaleTemporaries(target)).isEqualTo(1);
    }
}

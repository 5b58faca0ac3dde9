package dev.imageclassifier.model;

import ai.onnxruntime.OrtEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class OnnxRuntimeLibrariesTest {

    @TempDir
    Path cache;

    @Test
    void copiesThisPlatformsLibrariesOnceIntoAFolderNamedByTheirChecksums() throws Exception {
        Path folder = OnnxRuntimeLibraries.extract(cache).orElseThrow();
        assertThat(folder.getParent()).isEqualTo(cache);
        assertThat(folder.getFileName().toString()).startsWith(OnnxRuntimeLibraries.platform().orElseThrow() + "-");
        Path library = folder.resolve(System.mapLibraryName("onnxruntime"));
        Path jni = folder.resolve(System.mapLibraryName("onnxruntime4j_jni"));
        assertThat(Files.size(library)).isGreaterThan(1_000_000);
        assertThat(jni).isRegularFile();
        long jniSize = Files.size(jni);

        FileTime marked = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(library, marked);
        Files.write(jni, new byte[10]); // a copy cut short
        assertThat(OnnxRuntimeLibraries.extract(cache)).contains(folder);
        assertThat(Files.getLastModifiedTime(library)).isEqualTo(marked); // complete: left alone
        assertThat(Files.size(jni)).isEqualTo(jniSize); // incomplete: copied again
    }

    @Test
    void onnxRuntimeLoadsTheCopyInPlace() throws Exception {
        Path folder = OnnxRuntimeLibraries.extract(cache).orElseThrow();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + OnnxRuntimeLibraries.PROPERTY + "=" + folder, "-cp", System.getProperty("java.class.path"),
                LoadAndShowMappedLibrary.class.getName())
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("mapped " + folder.resolve(System.mapLibraryName("onnxruntime")));
    }

    @Test
    void aFolderTheUserNamedWins() {
        String before = System.getProperty(OnnxRuntimeLibraries.PROPERTY);
        System.setProperty(OnnxRuntimeLibraries.PROPERTY, cache.resolve("mine").toString());
        try {
            assertThat(OnnxRuntimeLibraries.useCacheIn(cache)).isEmpty();
            assertThat(cache.resolve("native")).doesNotExist();
            assertThat(System.getProperty(OnnxRuntimeLibraries.PROPERTY)).isEqualTo(cache.resolve("mine").toString());
        } finally {
            if (before == null) {
                System.clearProperty(OnnxRuntimeLibraries.PROPERTY);
            } else {
                System.setProperty(OnnxRuntimeLibraries.PROPERTY, before);
            }
        }
    }

    /** Run in a fresh JVM: starts ONNX Runtime and prints which libonnxruntime the process mapped. */
    public static final class LoadAndShowMappedLibrary {
        public static void main(String[] args) throws Exception {
            OrtEnvironment.getEnvironment();
            String name = System.mapLibraryName("onnxruntime");
            Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(path -> path.endsWith("/" + name))
                    .distinct()
                    .forEach(path -> System.out.println("mapped " + path));
        }
    }

    @Test
    void emptyTemporaryFoldersOfKilledRunsAreRemovedAndNothingElse() throws Exception {
        Path tmp = Files.createDirectory(cache.resolve("tmp"));
        FileTime anHourAgo = FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(1)));
        Path killedRun = Files.createDirectory(tmp.resolve("onnxruntime-java123"));
        Files.setLastModifiedTime(killedRun, anHourAgo);
        Path notEmpty = Files.createDirectory(tmp.resolve("onnxruntime-java456"));
        Files.write(notEmpty.resolve("libonnxruntime.so"), new byte[1]);
        Files.setLastModifiedTime(notEmpty, anHourAgo);
        Path justMade = Files.createDirectory(tmp.resolve("onnxruntime-java789"));
        Path someoneElses = Files.createDirectory(tmp.resolve("other-folder"));
        Files.setLastModifiedTime(someoneElses, anHourAgo);

        assertThat(OnnxRuntimeLibraries.removeStaleTempFolders(tmp, java.time.Duration.ofMinutes(10))).isEqualTo(1);
        assertThat(killedRun).doesNotExist();
        assertThat(notEmpty).exists();
        assertThat(justMade).exists();
        assertThat(someoneElses).exists();
    }
}

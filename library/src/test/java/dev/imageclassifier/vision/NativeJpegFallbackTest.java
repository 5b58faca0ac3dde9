package dev.imageclassifier.vision;

import dev.imageclassifier.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Without a usable libjpeg-turbo, JPEGs decode in pure Java and one log line says why. */
class NativeJpegFallbackTest {

    /** Decodes the files named on the command line and prints each tensor's size (run in a child JVM). */
    public static void main(String[] files) throws Exception {
        ImageDecoder decoder = new ImageDecoder();
        Preprocessor preprocessor = new Preprocessor(Preprocessing.IMAGENET);
        for (String file : files) {
            System.out.println("tensor " + decoder.tensor(Files.readAllBytes(Path.of(file)), preprocessor).length);
        }
    }

    @ParameterizedTest(name = "TURBOJPEG_LIBRARY={0}")
    @ValueSource(strings = {"/nonexistent/libturbojpeg.so.0", "c", "off"}) // missing, not libjpeg-turbo (libc), switched off
    void aMissingOrBrokenLibraryFallsBackToPureJavaWithOneLogLine(String library) throws Exception {
        Path photo = TestModels.SHARED.resolve("datasets/photos/mobile/jolla.jpg");
        // Native access granted as the runnable jar's manifest grants it (Java 22+ warns otherwise; 17 accepts the flag).
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), NativeJpegFallbackTest.class.getName(), photo.toString(), photo.toString())
                .redirectErrorStream(true);
        child.environment().put(TurboJpeg.LIBRARY_VARIABLE, library);
        Process process = child.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        List<String> lines = output.lines().toList();
        assertThat(lines).filteredOn(line -> line.startsWith("tensor ")).containsExactly("tensor 150528", "tensor 150528");
        assertThat(lines).filteredOn(line -> line.contains("JPEG decoding: pure Java")).hasSize(1);
        assertThat(lines).as("one log line and the two tensors, nothing else").hasSize(3);
        assertThat(output).doesNotContain("Exception");
    }
}

package dev.imageclassifier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The programs in {@code examples/}, compiled against nothing but the runnable jar (as a user would) and
 * run on real images: the library API works from outside the project. Runs after {@code package}.
 */
class ExamplesIT {

    private static final Path JAR = Path.of("core", "target", "image-classifier.jar");
    private static final Path MODEL = Path.of("model", "classifier.onnx");

    @TempDir
    Path dir;

    @Test
    void theQuickStartSnippetClassifiesACaltechAirplane() throws Exception {
        Path classes = compile("QuickStart.java");
        Path airplane = TestModels.CALTECH.resolve("airplanes/image_0001.jpg");
        Path watch = TestModels.CALTECH.resolve("watch/image_0001.jpg");
        String out = run(classes, "QuickStart", MODEL.toString(), airplane.toString(), watch.toString());
        assertThat(out).contains(airplane + ": airplanes ").contains(watch + ": watch")
                .contains("batch: airplanes", "batch: watch").contains("101 labels, backbone mobilenetv2-int8");
    }

    @Test
    void classifyFolderPrintsACsvRowPerFileAndAnErrorForANonImage() throws Exception {
        Path classes = compile("ClassifyFolder.java");
        Path folder = Files.createDirectories(dir.resolve("photos"));
        for (String label : List.of("airplanes", "Motorbikes", "watch")) {
            Files.copy(TestModels.CALTECH.resolve(label + "/image_0001.jpg"), folder.resolve(label + ".jpg"));
        }
        Files.writeString(folder.resolve("notes.txt"), "not an image");
        String out = run(classes, "ClassifyFolder", folder.toString(), MODEL.toString());
        List<String> rows = out.lines().toList();
        assertThat(rows.get(0)).isEqualTo("file,label,confidence,error");
        assertThat(rows).anySatisfy(row -> assertThat(row).startsWith("airplanes.jpg,airplanes,"))
                .anySatisfy(row -> assertThat(row).startsWith("Motorbikes.jpg,Motorbikes,"))
                .anySatisfy(row -> assertThat(row).startsWith("watch.jpg,watch,"))
                .anySatisfy(row -> assertThat(row).startsWith("notes.txt,,,\"Invalid file type"));
    }

    private Path compile(String example) throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int code = ToolProvider.getSystemJavaCompiler().run(null, errors, errors, "-cp", JAR.toString(), "-d", classes.toString(),
                Path.of("examples", example).toString());
        assertThat(code).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        return classes;
    }

    private static String run(Path classes, String mainClass, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", JAR + java.io.File.pathSeparator + classes, mainClass));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}

package dev.imageclassifier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The programs in {@code examples/} as a Java developer meets the library: a fresh Maven project that
 * depends on {@code dev.imageclassifier:image-classifier:1.0.0} (installed from this build, as
 * {@code mvn install} would), compiled and run on real images; its dependency tree holds no logging backend,
 * web server, CLI framework, metrics registry or test tool. Runs after {@code package}.
 */
class ExamplesIT {

    private static final Path MODEL = Path.of("model", "classifier.onnx").toAbsolutePath();
    private static final List<String> NOT_FOR_A_LIBRARY = List.of("logback", "log4j-core", "javalin", "jetty", "picocli",
            "micrometer", "selenium", "junit", "assertj", "swagger", "progressbar");

    @TempDir
    static Path project;

    private static String classpath;

    /** The library installed into the local repository, and a project of the two examples built against it. */
    @BeforeAll
    static void installTheLibraryAndBuildAProjectUsingIt() throws Exception {
        maven(Path.of("").toAbsolutePath(), "-N", "install:install-file", "-Dfile=pom.xml", "-DpomFile=pom.xml", "-Dpackaging=pom");
        maven(Path.of("").toAbsolutePath(), "-N", "install:install-file", "-Dfile=library/target/image-classifier-1.0.0.jar",
                "-DpomFile=library/pom.xml");
        Path sources = Files.createDirectories(project.resolve("src/main/java"));
        for (String example : List.of("QuickStart.java", "ClassifyFolder.java")) {
            Files.copy(Path.of("examples", example), sources.resolve(example));
        }
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>embedder</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                    <dependency>
                      <groupId>dev.imageclassifier</groupId><artifactId>image-classifier</artifactId><version>1.0.0</version>
                    </dependency>
                  </dependencies>
                  <build>
                    <pluginManagement>
                      <plugins>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
                      </plugins>
                    </pluginManagement>
                  </build>
                </project>
                """);
        maven(project, "compile", "dependency:tree", "-DoutputFile=tree.txt", "dependency:build-classpath", "-Dmdep.outputFile=classpath.txt");
        classpath = project.resolve("target/classes") + java.io.File.pathSeparator + Files.readString(project.resolve("classpath.txt")).strip();
    }

    @Test
    void theDependencyTreeHoldsWhatClassifyingAndTrainingNeedAndNothingElse() throws Exception {
        String tree = Files.readString(project.resolve("tree.txt")).toLowerCase(Locale.ROOT);
        assertThat(tree).contains("com.microsoft.onnxruntime:onnxruntime", "org.slf4j:slf4j-api");
        for (String unwanted : NOT_FOR_A_LIBRARY) {
            assertThat(tree).as("a library user's dependency tree:%n%s", tree).doesNotContain(unwanted);
        }
    }

    @Test
    void theQuickStartSnippetClassifiesACaltechAirplane() throws Exception {
        Path airplane = TestModels.CALTECH.resolve("airplanes/image_0001.jpg").toAbsolutePath();
        Path watch = TestModels.CALTECH.resolve("watch/image_0001.jpg").toAbsolutePath();
        String out = run("QuickStart", MODEL.toString(), airplane.toString(), watch.toString());
        assertThat(out).contains(airplane + ": airplanes ").contains(watch + ": watch")
                .contains("batch: airplanes", "batch: watch").contains("101 labels, backbone mobilenetv2-int8");
    }

    @Test
    void classifyFolderPrintsACsvRowPerFileAndAnErrorForANonImage() throws Exception {
        Path folder = Files.createDirectories(project.resolve("photos"));
        for (String label : List.of("airplanes", "Motorbikes", "watch")) {
            Files.copy(TestModels.CALTECH.resolve(label + "/image_0001.jpg"), folder.resolve(label + ".jpg"));
        }
        Files.writeString(folder.resolve("notes.txt"), "not an image");
        List<String> rows = run("ClassifyFolder", folder.toString(), MODEL.toString()).lines()
                .filter(line -> !line.startsWith("SLF4J")).toList();
        assertThat(rows.get(0)).isEqualTo("file,label,confidence,error");
        assertThat(rows).anySatisfy(row -> assertThat(row).startsWith("airplanes.jpg,airplanes,"))
                .anySatisfy(row -> assertThat(row).startsWith("Motorbikes.jpg,Motorbikes,"))
                .anySatisfy(row -> assertThat(row).startsWith("watch.jpg,watch,"))
                .anySatisfy(row -> assertThat(row).startsWith("notes.txt,,,\"Invalid file type"));
    }

    @Test
    void anExampleWithoutArgumentsSaysHowToCallIt() throws Exception {
        Process process = start("QuickStart");
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(out).contains("usage: QuickStart MODEL.onnx IMAGE IMAGE").doesNotContain("Exception");
    }

    private static String run(String mainClass, String... args) throws Exception {
        Process process = start(mainClass, args);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    private static Process start(String mainClass, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classpath, mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void maven(Path dir, String... goals) throws Exception {
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-q"));
        command.addAll(List.of(goals));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("mvn %s", String.join(" ", goals)).isTrue();
        assertThat(process.exitValue()).as("mvn %s:%n%s", String.join(" ", goals), out).isZero();
    }
}

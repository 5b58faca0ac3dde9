package dev.imageclassifier.cli;

import dev.imageclassifier.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar as users start it ({@code ./image-classifier} and plain {@code java -jar}), on the JDK running
 * the build and on Temurin 25 where it is installed ({@code JDK25_HOME}, default
 * {@code /usr/lib/jvm/temurin-25-jdk-amd64}): {@code --version}, {@code predict}, {@code train} and
 * {@code serve} print no JVM warning, and progress written to a file holds no {@code \r}. Run by failsafe
 * after {@code package}.
 */
class RunnableJarIT {

    private static final Path JAR = Path.of("cli/target/image-classifier.jar").toAbsolutePath();
    private static final Path LAUNCHER = Path.of("image-classifier").toAbsolutePath();
    private static final Path IMAGE = TestModels.CALTECH.resolve("watch/image_0001.jpg");

    @TempDir
    static Path dir;
    private static Path images;

    static Stream<Arguments> javaHomes() {
        List<Arguments> homes = new ArrayList<>(List.of(Arguments.of(Path.of(System.getProperty("java.home")))));
        Path jdk25 = Path.of(System.getenv().getOrDefault("JDK25_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        if (Files.isExecutable(jdk25.resolve("bin/java")) && !jdk25.equals(Path.of(System.getProperty("java.home")))) {
            homes.add(Arguments.of(jdk25));
        }
        return homes.stream();
    }

    @BeforeAll
    static void threeSmallClasses() throws IOException {
        assertThat(JAR).as("built by `mvn package` before the integration tests").isRegularFile();
        images = Files.createDirectories(dir.resolve("images"));
        for (String name : List.of("accordion", "anchor", "ant")) {
            Path folder = Files.createDirectories(images.resolve(name));
            for (int i = 1; i <= 6; i++) {
                String file = String.format("image_%04d.jpg", i);
                Files.createSymbolicLink(folder.resolve(file), TestModels.CALTECH.resolve(name).resolve(file));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void versionPredictTrainAndServePrintNoJvmWarning(Path javaHome) throws Exception {
        Path work = Files.createDirectories(dir.resolve(javaHome.getFileName().toString()));
        String java = javaHome.resolve("bin/java").toString();

        Run version = run(javaHome, work, java, "-jar", JAR.toString(), "--version");
        assertThat(version.output()).contains("Java " + majorVersion(javaHome));
        run(javaHome, work, java, "-jar", JAR.toString(), "predict", "--model", "model/classifier.onnx", IMAGE.toString());
        Run predicted = run(javaHome, work, LAUNCHER.toString(), "predict", "--model", "model/classifier.onnx", IMAGE.toString());
        assertThat(predicted.output()).contains(": watch ");

        Path data = work.resolve("data");
        run(javaHome, work, LAUNCHER.toString(), "prepare", "--data", images.toString(), "--out", data.toString());
        Run trained = run(javaHome, work, LAUNCHER.toString(), "train", "--split", data.resolve("split.csv").toString(),
                "--backbone", TestModels.MOBILENET.toString(), "--model", work.resolve("m/classifier.onnx").toString(),
                "--results", work.resolve("results").toString());
        assertThat(trained.output()).contains("Extracting features").contains("Trained default on mobilenetv2-int8")
                .as("progress in a file: lines, no carriage returns").doesNotContain("\r");

        Run served = serve(javaHome, work);
        assertThat(served.output()).contains("Listening on");
    }

    /** The command's stdout and stderr, written to a file as a CI log would be. */
    record Run(String output) {
    }

    private static Run run(Path javaHome, Path work, String... command) throws Exception {
        Process process = start(javaHome, work, command);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        String output = Files.readString(work.resolve("output.log"), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertNoWarning(output);
        return new Run(output);
    }

    private static Run serve(Path javaHome, Path work) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process server = start(javaHome, work, LAUNCHER.toString(), "serve", "--model", "model/classifier.onnx", "--port",
                Integer.toString(port));
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build();
            int status = 0;
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); status != 200 && System.nanoTime() < deadline; ) {
                try {
                    status = client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException e) {
                    Thread.sleep(200); // not listening yet
                }
            }
            assertThat(status).as("GET /health").isEqualTo(200);
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(work.resolve("output.log"), StandardCharsets.UTF_8);
        assertNoWarning(output);
        return new Run(output);
    }

    private static Process start(Path javaHome, Path work, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("output.log").toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("IMAGE_CLASSIFIER_CACHE", work.resolve("cache").toString());
        builder.environment().remove("NO_PROGRESS");
        builder.environment().remove("JAVA_OPTS");
        return builder.start();
    }

    private static void assertNoWarning(String output) {
        assertThat(output.lines().filter(line -> line.startsWith("WARNING"))).as(output).isEmpty();
    }

    private static String majorVersion(Path javaHome) throws IOException {
        return Files.readAllLines(javaHome.resolve("release")).stream().filter(line -> line.startsWith("JAVA_VERSION="))
                .map(line -> line.replaceAll("JAVA_VERSION=\"(\\d+).*", "$1")).findFirst().orElseThrow();
    }
}

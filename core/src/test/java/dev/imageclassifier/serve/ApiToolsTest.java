package dev.imageclassifier.serve;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The server's output checked by the tools that consume it: Prometheus' {@code promtool check metrics} on a
 * real scrape, and Redocly's OpenAPI linter (recommended rules) on the served document. Without the tools
 * (Debian package {@code prometheus}; {@code npm install -g @redocly/cli}) the tests are skipped, unless
 * {@code REQUIRE_API_TOOLS=true} (as in CI) makes that a failure.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ApiToolsTest {

    private static TestServer api;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        api = TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        api.close();
    }

    @Test
    void promtool_finds_nothing_to_complain_about_in_the_metrics() throws Exception {
        String promtool = tool("promtool");
        api.predict(TestImages.caltech("airplanes"));
        api.get("/no/such/page");
        Path scrape = Files.writeString(dir.resolve("metrics.txt"), api.get("/metrics").body());
        Result result = run(List.of(promtool, "check", "metrics"), scrape);
        assertThat(result.output()).isEmpty();
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void redocly_finds_the_openapi_document_valid_with_its_recommended_rules() throws Exception {
        String redocly = tool("redocly");
        Path document = Files.writeString(dir.resolve("openapi.json"), api.get("/openapi.json").body());
        Result result = run(List.of(redocly, "lint", "--format=stylish", document.toString()), null);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).as(result.output()).contains("valid").doesNotContainIgnoringCase("warning");
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, Path stdin) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("REDOCLY_TELEMETRY", "off");
        builder.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(command.get(0) + " did not finish in 60 s");
        }
        // Redocly's banner about Node.js versions is not about our document.
        return new Result(process.exitValue(), output.replaceAll("(?m)^\\s*[║╔╚].*\\n?", "").strip());
    }

    private static String tool(String name) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        if ("true".equalsIgnoreCase(System.getenv("REQUIRE_API_TOOLS"))) {
            fail(name + " is not installed, and REQUIRE_API_TOOLS=true");
        }
        Assumptions.abort(name + " is not installed (promtool: apt-get install prometheus; redocly: npm install -g @redocly/cli)");
        return name;
    }
}

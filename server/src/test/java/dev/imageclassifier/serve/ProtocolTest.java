package dev.imageclassifier.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * HTTP details clients and tools rely on: status codes, Allow, HEAD, metric labels, the OpenAPI document, and the
 * server's output checked by the tools that consume it: Prometheus' {@code promtool check metrics} on a real scrape,
 * and Redocly's OpenAPI linter (recommended rules) on the served document. Without the tools (Debian package
 * {@code prometheus}; {@code npm install -g @redocly/cli}) those two are skipped, unless {@code REQUIRE_API_TOOLS=true}
 * (as in CI) makes that a failure.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProtocolTest {

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
    void a_multipart_part_with_a_100_kb_header_is_431_not_413() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\nX-Padding: " + "x".repeat(100_000)
                + "\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(TestImages.caltech("watch"));
        body.writeBytes("\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> response = api.send(HttpRequest.newBuilder(api.uri("/predict"))
                .header("Content-Type", "multipart/form-data; boundary=b").POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        assertThat(response.statusCode()).isEqualTo(431);
        assertThat(TestServer.json(response).get("detail").asText()).startsWith("Request Header Fields Too Large");
    }

    @Test
    void a_405_says_which_methods_the_path_takes() {
        HttpResponse<String> getPredict = api.get("/predict");
        assertThat(getPredict.statusCode()).isEqualTo(405);
        assertThat(getPredict.headers().firstValue("Allow")).hasValue("POST");
        HttpResponse<String> deleteHealth = api.send(HttpRequest.newBuilder(api.uri("/health")).DELETE());
        assertThat(deleteHealth.statusCode()).isEqualTo(405);
        assertThat(deleteHealth.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(TestServer.json(deleteHealth).get("detail").asText()).isEqualTo("Method Not Allowed");
    }

    @ParameterizedTest(name = "HEAD {0}")
    @ValueSource(strings = {"/health", "/model", "/metrics", "/openapi.json", "/docs", "/"})
    void head_answers_what_get_answers_without_the_body(String path) {
        HttpResponse<String> get = api.get(path);
        HttpResponse<String> head = api.send(HttpRequest.newBuilder(api.uri(path)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(get.statusCode());
        assertThat(head.headers().firstValue("Content-Type")).isEqualTo(get.headers().firstValue("Content-Type"));
        assertThat(head.body()).isEmpty();
    }

    @Test
    void metrics_label_405s_and_heads_with_their_route() {
        api.send(HttpRequest.newBuilder(api.uri("/model")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        api.send(HttpRequest.newBuilder(api.uri("/model")).DELETE());
        String metrics = api.get("/metrics").body();
        assertThat(metrics).contains("http_server_requests_seconds_count{method=\"HEAD\",route=\"/model\",status=\"200\"}",
                "http_server_requests_seconds_count{method=\"DELETE\",route=\"/model\",status=\"405\"}");
        assertThat(metrics).doesNotContain("route=\"static\"");
    }

    @Test
    void the_docs_page_has_an_icon_that_is_served() {
        String page = api.get("/docs").body();
        assertThat(page).contains("rel=\"icon\"");
        String icon = page.replaceAll("(?s).*rel=\"icon\"[^>]*href=\"([^\"]+)\".*", "$1");
        HttpResponse<String> response = api.get(icon);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
    }

    @Test
    void the_openapi_document_names_its_server_licence_and_every_404_and_405() {
        JsonNode doc = TestServer.json(api.get("/openapi.json"));
        assertThat(doc.get("servers")).isNotEmpty();
        assertThat(doc.get("info").get("license").get("name").asText()).isEqualTo("MIT");
        List<String> missing = new ArrayList<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            for (String status : List.of("404", "405")) {
                if (!operation.getValue().get("responses").has(status)) {
                    missing.add(operation.getKey() + " " + path.getKey() + " " + status);
                }
            }
        }));
        assertThat(missing).isEmpty();
        assertThat(doc.toString()).doesNotContainIgnoringCase("the seed").doesNotContainIgnoringCase("seed's");
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

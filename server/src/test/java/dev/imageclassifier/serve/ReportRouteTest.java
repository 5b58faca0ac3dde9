package dev.imageclassifier.serve;

import dev.imageclassifier.report.VisualReportTest;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /report}: the evaluation report next to the served model, only when it is that model's. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReportRouteTest {

    @TempDir
    Path dir;

    @Test
    void the_report_of_the_served_model_is_served_with_a_policy_that_allows_no_network_and_others_are_404() throws Exception {
        Path model = Files.copy(Path.of("model/classifier.onnx"), dir.resolve("classifier.onnx"));
        try (TestServer api = TestServer.serving(model)) {
            HttpResponse<String> none = api.get("/report");
            assertThat(none.statusCode()).isEqualTo(404);
            assertThat(TestServer.json(none).get("detail").asText()).startsWith("No evaluation report next to the model file")
                    .doesNotContain(dir.toString());

            Path report = VisualReportTest.writeReport(dir); // about the committed model, which this copy is
            HttpResponse<String> page = api.get("/report");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(ReportFile.POLICY);
            assertThat(page.body()).contains("Evaluation report", "Most confused pairs");
            HttpResponse<String> head = api.send(HttpRequest.newBuilder(api.uri("/report")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();

            Files.writeString(report, Files.readString(report).replace("<meta name=\"image-classifier-model\" content=\"2026",
                    "<meta name=\"image-classifier-model\" content=\"1999"));
            HttpResponse<String> stale = api.get("/report");
            assertThat(stale.statusCode()).isEqualTo(404);
            assertThat(TestServer.json(stale).get("detail").asText()).contains("about another model");
        }
    }

    @Test
    void before_any_evaluation_a_browser_gets_a_small_page_and_an_api_client_json() throws Exception {
        Path model = Files.copy(Path.of("model/classifier.onnx"), dir.resolve("classifier.onnx"));
        try (TestServer api = TestServer.serving(model)) {
            HttpResponse<String> browser = api.send(HttpRequest.newBuilder(api.uri("/report"))
                    .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").GET());
            assertThat(browser.statusCode()).isEqualTo(404);
            assertThat(browser.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(browser.body()).startsWith("<!doctype html>").contains("No evaluation report yet",
                    "<code>image-classifier evaluate --results &lt;the model's folder&gt;</code>", "href=\"/\"")
                    .doesNotContain(dir.toString(), "\"detail\"");

            HttpResponse<String> client = api.send(HttpRequest.newBuilder(api.uri("/report")).header("Accept", "application/json").GET());
            assertThat(client.statusCode()).isEqualTo(404);
            assertThat(TestServer.json(client).get("detail").asText()).startsWith("No evaluation report next to the model file");
        }
    }

    @Test
    void the_served_report_holds_no_absolute_path() throws Exception {
        Path model = Files.copy(Path.of("model/classifier.onnx"), dir.resolve("classifier.onnx"));
        try (TestServer api = TestServer.serving(model)) {
            VisualReportTest.writeReport(dir);
            String page = api.get("/report").body();
            assertThat(page).contains("Most confused pairs", "airplanes/image_0010.jpg")
                    .doesNotContain(dir.toString(), Path.of("").toAbsolutePath().toString());
            assertThat(page).doesNotContainPattern("[\"> ]/(home|root|tmp|work|Users|var)/");
        }
    }
}

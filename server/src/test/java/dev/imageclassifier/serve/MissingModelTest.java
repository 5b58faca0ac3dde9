package dev.imageclassifier.serve;

import dev.imageclassifier.TestImages;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A server without a usable model still starts, and says why it cannot answer. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MissingModelTest {

    @TempDir
    Path dir;

    @Test
    void a_missing_model_file_makes_health_503_with_the_reason_and_predict_503() {
        Path missing = dir.resolve("nothing-here.onnx");
        try (TestServer api = TestServer.start(settings -> ServeSettings.defaults(missing).withAddress("127.0.0.1", 0))) {
            HttpResponse<String> health = api.get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(TestServer.json(health).get("status").asText()).isEqualTo("unavailable");
            assertThat(TestServer.json(health).get("detail").asText()).contains("Model file not found", "nothing-here.onnx");

            HttpResponse<String> predict = api.predict(TestImages.gif());
            assertThat(predict.statusCode()).isEqualTo(503);
            assertThat(predict.headers().firstValue("Retry-After")).isPresent();
            assertThat(TestServer.json(predict).get("detail").asText()).startsWith("Model not loaded: Model file not found");

            assertThat(api.get("/model").statusCode()).isEqualTo(503);
            assertThat(api.get("/openapi.json").statusCode()).isEqualTo(200);
            assertThat(api.get("/metrics").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_broken_model_file_makes_health_503_with_the_reason() throws Exception {
        Path broken = Files.write(dir.resolve("classifier.onnx"), "not a protobuf".getBytes());
        try (TestServer api = TestServer.start(settings -> ServeSettings.defaults(broken).withAddress("127.0.0.1", 0))) {
            HttpResponse<String> health = api.get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(TestServer.json(health).get("detail").asText()).contains("classifier.onnx");
        }
    }
}

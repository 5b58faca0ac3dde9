package dev.imageclassifier.serve;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** /livez (the process works) and /readyz (the default model is loaded and warmed, the server not draining) apart. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HealthProbesTest {

    @TempDir
    Path dir;

    @Test
    void with_a_model_both_are_200_and_readyz_names_the_version() throws Exception {
        try (TestServer api = TestServer.start()) {
            assertThat(api.get("/livez").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = api.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(TestServer.json(ready).get("status").asText()).isEqualTo("ready");
            assertThat(TestServer.json(ready).get("model_version").asText()).isEqualTo(ModelReloadTest.sha12(TestServer.model()));
        }
    }

    @Test
    void without_a_model_the_process_is_alive_but_not_ready_until_the_file_appears() throws Exception {
        Path file = dir.resolve("classifier.onnx");
        try (TestServer api = ModelReloadTest.serve(file, Duration.ofMillis(100))) {
            assertThat(api.get("/livez").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = api.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.headers().firstValue("Retry-After")).isPresent();
            assertThat(TestServer.json(ready).get("status").asText()).isEqualTo("unavailable");
            assertThat(TestServer.json(ready).get("detail").asText()).contains("Model file not found");
            assertThat(api.get("/health").statusCode()).isEqualTo(503);

            // The model arrives (e.g. an init container or a copy to the volume finishes): no restart needed.
            Files.copy(TestServer.model(), dir.resolve("incoming.onnx"));
            Files.move(dir.resolve("incoming.onnx"), file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (api.get("/readyz").statusCode() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(api.get("/readyz").statusCode()).isEqualTo(200);
            assertThat(api.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void while_draining_readyz_is_503_and_livez_stays_200() {
        try (TestServer api = TestServer.start()) {
            api.server.models().drain(); // what stop() does first, before the connectors close
            HttpResponse<String> ready = api.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(TestServer.json(ready).get("status").asText()).isEqualTo("draining");
            assertThat(api.get("/livez").statusCode()).isEqualTo(200);
            assertThat(api.predict(dev.imageclassifier.TestImages.caltech("airplanes")).statusCode()).isEqualTo(200);
        }
    }
}

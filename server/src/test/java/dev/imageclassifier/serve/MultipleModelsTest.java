package dev.imageclassifier.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.TestImages;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Several models, with versions: named files and a model repository, the default model on the old routes, the rest under /models. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MultipleModelsTest {

    @TempDir
    Path dir;

    @Test
    void named_files_and_repository_versions_answer_on_their_own_routes_and_the_default_keeps_the_old_ones() throws Exception {
        ModelReloadTest.twoClassifiers();
        Path repository = dir.resolve("repository");
        copy(ModelReloadTest.first, repository.resolve("flowers/1/classifier.onnx"));
        copy(ModelReloadTest.second, repository.resolve("flowers/2/classifier.onnx"));
        Files.createDirectories(repository.resolve("flowers/notes")); // not a version: ignored
        Path cats = ModelReloadTest.first;
        ModelSources sources = new ModelSources(List.of(ModelSources.NamedFile.parse("cats=" + cats)), repository, null,
                Duration.ofMillis(100));
        byte[] image = TestImages.caltech("airplanes");
        try (TestServer api = TestServer.start(settings -> settings.withModels(sources))) {
            // The first --model is the default: the old routes answer with it.
            HttpResponse<String> predict = api.predict(image);
            assertThat(predict.statusCode()).isEqualTo(200);
            assertThat(predict.headers().firstValue(ModelLease.NAME_HEADER)).hasValue("cats");
            assertThat(TestServer.json(predict).get("model").asText()).isEqualTo("cats");

            // A repository model's default version is its highest; each version has its own routes.
            HttpResponse<String> flowers = api.upload("/models/flowers/predict", "file", "a.jpg", "image/jpeg", image);
            assertThat(flowers.statusCode()).isEqualTo(200);
            assertThat(TestServer.json(flowers).get("model").asText()).isEqualTo("flowers");
            assertThat(TestServer.json(flowers).get("model_version").asText()).isEqualTo("2");
            HttpResponse<String> one = api.upload("/models/flowers/versions/1/predict", "file", "a.jpg", "image/jpeg", image);
            assertThat(one.headers().firstValue(ModelLease.VERSION_HEADER)).hasValue("1");
            assertThat(TestServer.json(one).get("predicted_class").asText()).isEqualTo(TestServer.json(predict).get("predicted_class").asText());
            assertThat(TestServer.json(api.get("/models/flowers/versions/1/model")).get("num_classes").asInt()).isEqualTo(10);
            HttpResponse<String> batch = api.upload("/models/flowers/versions/2/predict/batch", "files", "a.jpg", "image/jpeg", image);
            assertThat(TestServer.json(batch).get("model_version").asText()).isEqualTo("2");

            // Unknown names and versions are 404s that say what is missing.
            HttpResponse<String> unknown = api.upload("/models/dogs/predict", "file", "a.jpg", "image/jpeg", image);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(TestServer.json(unknown).get("detail").asText()).contains("No model named 'dogs'");
            HttpResponse<String> noVersion = api.get("/models/flowers/versions/9/model");
            assertThat(noVersion.statusCode()).isEqualTo(404);
            assertThat(TestServer.json(noVersion).get("detail").asText()).contains("has no version 9");
            assertThat(TestServer.json(api.get("/models/nope")).get("detail").asText()).contains("No model named 'nope'");

            JsonNode list = TestServer.json(api.get("/models"));
            assertThat(list.get("default").asText()).isEqualTo("cats");
            assertThat(list.get("models").findValuesAsText("name")).containsExactly("cats", "flowers");
            JsonNode status = TestServer.json(api.get("/models/flowers"));
            assertThat(status.get("version").asText()).isEqualTo("2");
            assertThat(status.get("versions").findValuesAsText("version")).containsExactly("2", "1");
            assertThat(status.get("versions").findValuesAsText("state")).containsExactly("READY", "READY");

            // Memory per model version in /metrics.
            assertThat(ModelReloadTest.memoryGauges(api.get("/metrics").body()))
                    .containsExactlyInAnyOrder("cats/" + ModelReloadTest.sha12(cats), "flowers/1", "flowers/2");

            // A new version folder is loaded and becomes the default version; a removed one is unloaded.
            copy(ModelReloadTest.first, repository.resolve("flowers/3/classifier.onnx"));
            awaitStatus(api, "/models/flowers", "3");
            deleteTree(repository.resolve("flowers/1"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (api.get("/models/flowers/versions/1/model").statusCode() != 404 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(api.get("/models/flowers/versions/1/model").statusCode()).isEqualTo(404);
            assertThat(TestServer.json(api.get("/models/flowers")).get("versions").findValuesAsText("version")).containsExactly("3", "2");
        }
    }

    @Test
    void a_repository_alone_serves_its_first_model_by_name_as_the_default() throws Exception {
        ModelReloadTest.twoClassifiers();
        Path repository = dir.resolve("models");
        copy(ModelReloadTest.second, repository.resolve("birds/4/classifier.onnx"));
        copy(ModelReloadTest.first, repository.resolve("trees/1/classifier.onnx"));
        ModelSources sources = new ModelSources(List.of(), repository, null, Duration.ZERO);
        try (TestServer api = TestServer.start(settings -> settings.withModels(sources))) {
            HttpResponse<String> predict = api.predict(TestImages.caltech("airplanes"));
            assertThat(predict.headers().firstValue(ModelLease.NAME_HEADER)).hasValue("birds");
            assertThat(predict.headers().firstValue(ModelLease.VERSION_HEADER)).hasValue("4");
            assertThat(api.get("/readyz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void model_names_are_checked_and_a_plain_file_is_named_after_its_stem() {
        assertThat(ModelSources.NamedFile.parse("model/classifier.onnx").name()).isEqualTo("classifier");
        assertThat(ModelSources.NamedFile.parse("flowers=/srv/m.onnx")).isEqualTo(new ModelSources.NamedFile("flowers", Path.of("/srv/m.onnx")));
        assertThat(ModelSources.NamedFile.parse("/srv/a=b/x y.onnx").name()).isEqualTo("x-y");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ModelSources(List.of(ModelSources.NamedFile.parse("a.onnx"),
                        ModelSources.NamedFile.parse("other/a.onnx")), null, null, Duration.ZERO))
                .hasMessageContaining("two models are named 'a'");
    }

    static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    static void awaitStatus(TestServer api, String path, String version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode status = TestServer.json(api.get(path));
            if (status.has("version") && version.equals(status.get("version").asText())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(path + " did not reach version " + version);
    }

    static void deleteTree(Path folder) throws Exception {
        try (var files = Files.walk(folder)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

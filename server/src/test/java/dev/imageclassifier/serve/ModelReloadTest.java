package dev.imageclassifier.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.TestImages;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.report.VisualReportTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Swapping the served model while it serves: reloads under concurrent requests lose none, a file cut short is never
 * loaded, a failed load keeps the old version serving and says so, a file replaced as {@code train} replaces it is
 * picked up (and with it its evaluation report).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ModelReloadTest {

    /** Two different classifier files (two random heads on the real backbone). */
    static Path first;
    static Path second;

    @TempDir
    Path dir;

    @BeforeAll
    static void twoClassifiers() throws Exception {
        first = TestServer.model();
        second = TestServer.secondModel();
    }

    /** The admin routes always need a token: these servers lock only them (every other route is open). */
    static final String ADMIN_TOKEN = "reload-test-admin-token";

    static TestServer serve(Path file, Duration poll) {
        return TestServer.start(settings -> ServeSettings.defaults(file).withAddress("127.0.0.1", 0)
                .withModels(ModelSources.file(file).withPollInterval(poll))
                .withAccess(new ApiAccess(AccessTokens.parse(ADMIN_TOKEN), List.of("/predict*", "/model*", "/report*", "/health",
                        "/livez", "/readyz", "/metrics"))));
    }

    /** As train writes a model: a temporary file renamed over the old one. */
    static void replaceAtomically(Path target, Path content) throws Exception {
        AtomicFiles.write(target, Files.readAllBytes(content));
    }

    static String sha12(Path file) throws Exception {
        return dev.imageclassifier.io.Sha256.of(file).substring(0, 12);
    }

    static HttpResponse<String> reload(TestServer api, String name) {
        return api.send(HttpRequest.newBuilder(api.uri("/admin/models/" + name + "/reload")).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void reloads_under_concurrent_requests_lose_none_and_answers_switch_version_at_each_swap() throws Exception {
        Path served = Files.copy(first, dir.resolve("classifier.onnx"));
        String a = sha12(first);
        String b = sha12(second);
        byte[] image = TestImages.caltech("airplanes");
        try (TestServer api = serve(served, Duration.ZERO)) {
            AtomicBoolean running = new AtomicBoolean(true);
            List<String> failures = new CopyOnWriteArrayList<>();
            Set<String> versions = ConcurrentHashMap.newKeySet();
            ExecutorService clients = Executors.newFixedThreadPool(6);
            List<Future<Integer>> counts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                counts.add(clients.submit(() -> {
                    int answered = 0;
                    while (running.get()) {
                        HttpResponse<String> response = api.predict(image);
                        String header = response.headers().firstValue(ModelLease.VERSION_HEADER).orElse("none");
                        if (response.statusCode() != 200 || !header.equals(TestServer.json(response).get("model_version").asText())) {
                            failures.add(response.statusCode() + " " + header + " " + response.body());
                        }
                        versions.add(header);
                        answered++;
                    }
                    return answered;
                }));
            }
            for (int swap = 0; swap < 4; swap++) {
                boolean toSecond = swap % 2 == 0;
                replaceAtomically(served, toSecond ? second : first);
                HttpResponse<String> reloaded = reload(api, "classifier");
                assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
                String expected = toSecond ? b : a;
                assertThat(TestServer.json(reloaded).get("version").asText()).isEqualTo(expected);
                HttpResponse<String> after = api.predict(image);
                assertThat(after.headers().firstValue(ModelLease.VERSION_HEADER)).hasValue(expected);
                assertThat(TestServer.json(after).get("model_version").asText()).isEqualTo(expected);
            }
            running.set(false);
            int answered = 0;
            for (Future<Integer> count : counts) {
                answered += count.get(1, TimeUnit.MINUTES);
            }
            clients.shutdown();
            assertThat(failures).isEmpty();
            assertThat(answered).isGreaterThan(20);
            assertThat(versions).containsExactlyInAnyOrder(a, b);
            // The old versions were closed once their requests were done: one memory gauge is left, the serving one's.
            assertThat(memoryGauges(api.get("/metrics").body())).containsExactly("classifier/" + a);
            assertThat(api.get("/readyz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_file_replaced_as_train_replaces_it_is_loaded_by_itself_and_its_report_follows() throws Exception {
        Path served = Files.copy(first, dir.resolve("classifier.onnx"));
        VisualReportTest.writeReport(dir); // evaluate's report about the committed model, not the one served yet
        try (TestServer api = serve(served, Duration.ofMillis(100))) {
            HttpResponse<String> stale = api.get("/report");
            assertThat(stale.statusCode()).isEqualTo(404);
            assertThat(TestServer.json(stale).get("detail").asText()).contains("about another model");

            Path trained = Path.of("model/classifier.onnx");
            replaceAtomically(served, trained);
            awaitVersion(api, sha12(trained));
            HttpResponse<String> report = api.get("/report");
            assertThat(report.statusCode()).isEqualTo(200);
            assertThat(report.headers().firstValue(ModelLease.VERSION_HEADER)).hasValue(sha12(trained));
            assertThat(report.body()).contains("Evaluation report");
        }
    }

    @Test
    void a_truncated_copy_over_the_served_file_is_never_loaded_and_the_old_model_keeps_answering() throws Exception {
        Path served = Files.copy(first, dir.resolve("classifier.onnx"));
        String a = sha12(first);
        try (TestServer api = serve(served, Duration.ofMillis(100))) {
            byte[] whole = Files.readAllBytes(second);
            // Copied in place, not renamed, and cut short: what an interrupted `cp` leaves.
            Files.write(served, java.util.Arrays.copyOf(whole, whole.length / 2));
            awaitFailure(api);

            HttpResponse<String> predict = api.predict(TestImages.caltech("airplanes"));
            assertThat(predict.statusCode()).isEqualTo(200);
            assertThat(predict.headers().firstValue(ModelLease.VERSION_HEADER)).hasValue(a);
            assertThat(api.get("/health").statusCode()).isEqualTo(200);
            assertThat(api.get("/readyz").statusCode()).isEqualTo(200);

            JsonNode status = TestServer.json(api.get("/models/classifier"));
            assertThat(status.get("ready").asBoolean()).isTrue();
            assertThat(status.get("version").asText()).isEqualTo(a);
            String error = status.get("versions").get(0).get("last_error").get("detail").asText();
            assertThat(error).contains("classifier.onnx").doesNotContain(dir.toString());
            String metrics = api.get("/metrics").body();
            assertThat(metrics).containsPattern("model_loads_total\\{model=\"classifier\",outcome=\"failed\"\\} [1-9]")
                    .contains("model_load_failing{model=\"classifier\"} 1.0");

            HttpResponse<String> refused = reload(api, "classifier");
            assertThat(refused.statusCode()).isEqualTo(422);
            assertThat(TestServer.json(refused).get("detail").asText()).startsWith("Reload failed: ").endsWith("version " + a + " keeps serving");

            // The copy completes: now it loads.
            Files.write(served, whole);
            awaitVersion(api, sha12(second));
            assertThat(api.get("/metrics").body()).contains("model_load_failing{model=\"classifier\"} 0.0");
            assertThat(TestServer.json(api.get("/models/classifier")).get("versions").get(0).has("last_error")).isFalse();
        }
    }

    @Test
    void a_file_that_is_not_a_model_leaves_the_old_one_serving_on_an_explicit_reload() throws Exception {
        Path served = Files.copy(first, dir.resolve("classifier.onnx"));
        try (TestServer api = serve(served, Duration.ZERO)) {
            Files.writeString(served, "not a model");
            HttpResponse<String> refused = reload(api, "classifier");
            assertThat(refused.statusCode()).isEqualTo(422);
            assertThat(TestServer.json(refused).get("status").get("version").asText()).isEqualTo(sha12(first));
            assertThat(api.predict(TestImages.caltech("airplanes")).statusCode()).isEqualTo(200);
            assertThat(reload(api, "nothing-by-this-name").statusCode()).isEqualTo(404);
        }
    }

    static void awaitVersion(TestServer api, String version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String seen = null;
        while (System.nanoTime() < deadline) {
            seen = api.get("/model").headers().firstValue(ModelLease.VERSION_HEADER).orElse(null);
            if (version.equals(seen)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("version " + version + " was not swapped in; still " + seen);
    }

    static void awaitFailure(TestServer api) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (TestServer.json(api.get("/models/classifier")).get("versions").get(0).has("last_error")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the damaged file was not tried");
    }

    /** "model/version" of each {@code model_memory_bytes} series. */
    static List<String> memoryGauges(String metrics) {
        Matcher m = Pattern.compile("(?m)^model_memory_bytes\\{model=\"([^\"]+)\",version=\"([^\"]+)\"\\} ([0-9.E]+)$").matcher(metrics);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1) + "/" + m.group(2));
        }
        return found;
    }
}

package dev.imageclassifier.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.TestImages;
import dev.imageclassifier.serve.MultipartBody;
import dev.imageclassifier.io.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API against a real server on a free port: the seed's contract, every error, every format. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ApiServerTest {

    private static TestServer api;

    @BeforeAll
    static void startServer() {
        api = TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        api.close();
    }

    // --- the seed's three tests, unchanged in meaning ---

    @Test
    void health_answers_ok() {
        HttpResponse<String> response = api.get("/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(response)).isEqualTo(Json.MAPPER.createObjectNode().put("status", "ok"));
    }

    @Test
    void predict_without_a_file_is_400_no_file_uploaded() {
        HttpResponse<String> response = api.send(HttpRequest.newBuilder(api.uri("/predict")).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText()).isEqualTo("No file uploaded");
    }

    @Test
    void predict_with_a_text_file_is_400_invalid_file_type() {
        HttpResponse<String> response = api.upload("/predict", "file", "test.txt", "text/plain",
                "this is not an image".getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText()).contains("Invalid file type");
    }

    // --- predictions ---

    @Test
    void a_photo_gets_one_of_the_model_labels_and_a_confidence() {
        HttpResponse<String> response = api.predict(TestImages.caltech("airplanes"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode body = TestServer.json(response);
        assertThat(TestServer.LABELS).contains(body.get("predicted_class").asText());
        assertThat(body.get("confidence").asDouble()).isBetween(0.0, 1.0);
        assertThat(body.has("predictions")).as("top-k list only when asked for").isFalse();
        assertThat(body.get("timing_ms").get("total").asDouble()).isPositive();
    }

    @Test
    void top_k_lists_the_k_best_labels_best_first_led_by_the_predicted_class() {
        JsonNode body = TestServer.json(api.upload("/predict?top_k=3", "file", "a.jpg", "image/jpeg", TestImages.caltech("watch")));
        JsonNode predictions = body.get("predictions");
        assertThat(predictions).hasSize(3);
        assertThat(predictions.get(0).get("label").asText()).isEqualTo(body.get("predicted_class").asText());
        assertThat(predictions.get(0).get("confidence").asDouble()).isEqualTo(body.get("confidence").asDouble());
        assertThat(predictions.get(0).get("confidence").asDouble()).isGreaterThanOrEqualTo(predictions.get(1).get("confidence").asDouble());
        assertThat(predictions.get(1).get("confidence").asDouble()).isGreaterThanOrEqualTo(predictions.get(2).get("confidence").asDouble());
    }

    @Test
    void top_k_above_the_number_of_classes_lists_every_class_once() {
        JsonNode predictions = TestServer.json(api.upload("/predict?top_k=1000", "file", "a.jpg", "image/jpeg",
                TestImages.caltech("watch"))).get("predictions");
        Set<String> labels = new HashSet<>();
        double total = 0;
        for (JsonNode p : predictions) {
            labels.add(p.get("label").asText());
            total += p.get("confidence").asDouble();
        }
        assertThat(labels).containsExactlyInAnyOrderElementsOf(TestServer.LABELS);
        assertThat(total).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
    }

    @ParameterizedTest(name = "top_k={0} is 400")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"0", "-2", "three", "1.5", "%203", "3%20", "%2B5", "0x5", ""})
    void a_top_k_that_is_not_a_positive_integer_is_400(String topK) {
        HttpResponse<String> response = api.upload("/predict?top_k=" + topK, "file", "a.jpg", "image/jpeg", TestImages.caltech("watch"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText()).contains("top_k must be a positive whole number");
    }

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of("baseline JPEG", TestImages.jpeg(TestImages.scene(200, 150))),
                Arguments.of("progressive JPEG", TestImages.progressiveJpeg(TestImages.scene(200, 150))),
                Arguments.of("grayscale JPEG", TestImages.grayscaleJpeg()),
                Arguments.of("CMYK JPEG", TestImages.cmykJpeg()),
                Arguments.of("PNG with alpha", TestImages.pngWithAlpha()),
                Arguments.of("16-bit PNG", TestImages.png16Bit()),
                Arguments.of("GIF", TestImages.gif()),
                Arguments.of("BMP", TestImages.bmp()),
                Arguments.of("TIFF", TestImages.tiff()),
                Arguments.of("lossy WebP", TestImages.WEBP_LOSSY),
                Arguments.of("lossless WebP", TestImages.WEBP_LOSSLESS),
                Arguments.of("EXIF-rotated JPEG", TestImages.withExifOrientation(TestImages.jpeg(TestImages.scene(200, 150)), 6)),
                Arguments.of("grayscale Caltech photo", TestImages.caltech("car_side")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void every_supported_format_is_classified(String format, byte[] image) {
        HttpResponse<String> response = api.predict(image);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(TestServer.LABELS).contains(TestServer.json(response).get("predicted_class").asText());
    }

    @Test
    void the_type_is_decided_by_content_not_by_file_name_or_declared_type() {
        byte[] png = TestImages.encode(TestImages.scene(120, 90), "png");
        HttpResponse<String> png_named_txt = api.upload("/predict", "file", "notes.txt", "text/plain", png);
        assertThat(png_named_txt.statusCode()).isEqualTo(200);

        HttpResponse<String> text_named_jpg = api.upload("/predict", "file", "photo.jpg", "image/jpeg",
                "plain text wearing a .jpg name".getBytes(StandardCharsets.UTF_8));
        assertThat(text_named_jpg.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(text_named_jpg).get("detail").asText()).startsWith("Invalid file type");
    }

    @Test
    void an_exif_rotated_jpeg_is_turned_upright_before_it_is_classified() {
        // The camera stored the photo sideways and says "rotate 90° clockwise" (orientation 6).
        byte[] sideways = TestImages.jpeg(TestImages.rotateCounterClockwise(TestImages.photo("airplanes", 320, 240)));
        // The same pixels, turned upright here and sent losslessly: the answer the server must match exactly.
        byte[] upright = TestImages.encode(TestImages.rotateClockwise(TestImages.decode(sideways)), "png");

        float[] expected = probabilities(upright);
        assertThat(probabilities(TestImages.withExifOrientation(sideways, 6))).containsExactly(expected);
        assertThat(probabilities(sideways)).as("without the EXIF tag").isNotEqualTo(expected);
    }

    // --- bad input: always JSON {"detail"}, never a 500 ---

    @Test
    void an_empty_file_is_400() {
        HttpResponse<String> response = api.upload("/predict", "file", "empty.jpg", "image/jpeg", new byte[0]);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText()).startsWith("Empty file");
    }

    @Test
    void a_truncated_jpeg_is_400() {
        byte[] jpeg = TestImages.caltech("Leopards");
        HttpResponse<String> response = api.predict(Arrays.copyOf(jpeg, jpeg.length / 2));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText()).containsIgnoringCase("corrupt");
    }

    @Test
    void undecodable_bytes_behind_an_image_signature_are_400() {
        byte[] garbage = new byte[4000];
        new Random(1).nextBytes(garbage);
        garbage[0] = (byte) 0x89;
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, 0, garbage, 0, 8);
        HttpResponse<String> response = api.predict(garbage);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).has("detail")).isTrue();
    }

    @Test
    void a_body_that_is_not_multipart_is_400_saying_what_was_expected() {
        HttpResponse<String> response = api.send(HttpRequest.newBuilder(api.uri("/predict"))
                .header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(TestImages.caltech("watch"))));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText())
                .startsWith("No file uploaded").contains("multipart/form-data", "image/jpeg");
    }

    @Test
    void a_file_in_the_wrong_field_is_400_naming_the_field_that_was_sent() {
        HttpResponse<String> response = api.upload("/predict", "image", "a.jpg", "image/jpeg", TestImages.caltech("watch"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText()).startsWith("No file uploaded").contains("'file'", "image");
    }

    @Test
    void a_malformed_multipart_body_is_400() {
        HttpResponse<String> response = api.send(HttpRequest.newBuilder(api.uri("/predict"))
                .header("Content-Type", "multipart/form-data; boundary=xyz")
                .POST(HttpRequest.BodyPublishers.ofString("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc")));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).has("detail")).isTrue();
    }

    @Test
    void a_body_over_the_limit_is_413_every_time_with_or_without_a_content_length() {
        MultipartBody multipart = new MultipartBody().file("file", "big.jpg", "image/jpeg", new byte[11 * 1024 * 1024]);
        byte[] body = multipart.bytes();
        for (int i = 0; i < 2; i++) {
            // Content-Length says it all: refused before the body is parsed.
            HttpResponse<String> declared = api.send(multipart.post(api.uri("/predict")));
            assertThat(declared.statusCode()).isEqualTo(413);
            assertThat(TestServer.json(declared).get("detail").asText()).isEqualTo("File too large: 11.0 MiB is above the limit of 10.0 MiB");
            // A stream of unknown length goes out chunked: refused once the parser passes the limit.
            HttpResponse<String> chunked = api.send(HttpRequest.newBuilder(api.uri("/predict"))
                    .header("Content-Type", multipart.contentType())
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
            assertThat(chunked.statusCode()).isEqualTo(413);
            assertThat(TestServer.json(chunked).get("detail").asText()).startsWith("File too large");
            assertThat(chunked.headers().firstValue("Connection")).as("a connection after a failed parse is not reused").hasValue("close");
        }
    }

    @Test
    void a_client_that_asks_first_is_refused_before_it_sends_the_body() throws Exception {
        // Expect: 100-continue, as curl sends for large uploads (raw socket: JDK 17's HttpClient hangs on a
        // final answer to it, JDK-8286171).
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", api.server.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
                    + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 20000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 413").contains("\"detail\":\"File too large: 19.1 MiB");
        }
    }

    @Test
    void a_png_bomb_is_413_from_its_header_alone() {
        HttpResponse<String> response = api.predict(TestImages.pngBomb(30_000, 30_000));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(TestServer.json(response).get("detail").asText()).contains("900.0 megapixels");
    }

    @Test
    void the_wrong_method_is_405() {
        HttpResponse<String> response = api.get("/predict");
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(TestServer.json(response).get("detail").asText()).isEqualTo("Method Not Allowed");
    }

    @Test
    void an_unknown_path_is_404_json() {
        HttpResponse<String> response = api.get("/no/such/page");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(TestServer.json(response).get("detail").asText()).isEqualTo("Not Found");
    }

    @Test
    void errors_jetty_answers_itself_are_json_too() {
        HttpResponse<String> response = api.send(HttpRequest.newBuilder(api.uri("/health")).header("X-Padding", "x".repeat(20_000)));
        assertThat(response.statusCode()).isEqualTo(431);
        assertThat(TestServer.json(response).get("detail").asText()).isEqualTo("Request Header Fields Too Large");
    }

    @Test
    void uploads_never_touch_the_disk() {
        // ~7 MB of noise as PNG: far above any "small part" threshold, still under the 10 MiB limit.
        java.awt.image.BufferedImage noise = new java.awt.image.BufferedImage(1600, 1500, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((java.awt.image.DataBufferByte) noise.getRaster().getDataBuffer()).getData();
        new Random(7).nextBytes(pixels);
        byte[] png = TestImages.encode(noise, "png");
        assertThat(png.length).isGreaterThan(6_000_000);

        assertThat(api.predict(png).statusCode()).isEqualTo(200);
        assertThat(Path.of(Uploads.NEVER_WRITTEN_DIRECTORY)).doesNotExist();
    }

    // --- batch ---

    @Test
    void a_batch_gets_one_result_per_file_in_order_each_with_its_own_status() {
        MultipartBody body = new MultipartBody()
                .file("files", "plane.jpg", "image/jpeg", TestImages.caltech("airplanes"))
                .file("files", "notes.txt", "text/plain", "hello".getBytes(StandardCharsets.UTF_8))
                .file("files", "bomb.png", "image/png", TestImages.pngBomb(30_000, 30_000))
                .file("files", "bike.gif", "image/gif", TestImages.gif());
        HttpResponse<String> response = api.send(body.post(api.uri("/predict/batch?top_k=2")));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode results = TestServer.json(response).get("results");
        assertThat(results).hasSize(4);
        assertThat(results.get(0).get("filename").asText()).isEqualTo("plane.jpg");
        assertThat(results.get(0).get("status").asInt()).isEqualTo(200);
        assertThat(results.get(0).get("predictions")).hasSize(2);
        assertThat(results.get(1).get("status").asInt()).isEqualTo(400);
        assertThat(results.get(1).get("detail").asText()).startsWith("Invalid file type");
        assertThat(results.get(1).has("predicted_class")).isFalse();
        assertThat(results.get(2).get("status").asInt()).isEqualTo(413);
        assertThat(results.get(3).get("status").asInt()).isEqualTo(200);
        assertThat(TestServer.LABELS).contains(results.get(3).get("predicted_class").asText());
    }

    @Test
    void a_batch_answers_like_single_requests() {
        byte[] image = TestImages.caltech("bonsai");
        JsonNode single = TestServer.json(api.predict(image));
        MultipartBody body = new MultipartBody().file("files", "a.jpg", "image/jpeg", image).file("files", "b.jpg", "image/jpeg", image);
        JsonNode results = TestServer.json(api.send(body.post(api.uri("/predict/batch")))).get("results");
        for (JsonNode result : results) {
            assertThat(result.get("predicted_class")).isEqualTo(single.get("predicted_class"));
            assertThat(result.get("confidence").floatValue()).isEqualTo(single.get("confidence").floatValue());
        }
    }

    @Test
    void a_batch_with_more_files_than_allowed_is_400() {
        MultipartBody body = new MultipartBody();
        byte[] gif = TestImages.gif();
        for (int i = 0; i < 17; i++) {
            body.file("files", i + ".gif", "image/gif", gif);
        }
        HttpResponse<String> response = api.send(body.post(api.uri("/predict/batch")));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText()).startsWith("Too many files: 17, at most 16");
    }

    @Test
    void a_batch_without_files_is_400_no_file_uploaded() {
        HttpResponse<String> response = api.upload("/predict/batch", "file", "a.gif", "image/gif", TestImages.gif());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText()).startsWith("No file uploaded").contains("'files'");
    }

    // --- under load ---

    @Test
    void a_hundred_and_twenty_parallel_identical_requests_all_get_the_single_request_answer() {
        byte[] image = TestImages.caltech("Motorbikes");
        JsonNode single = TestServer.json(api.predict(image));
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            responses.add(api.client.sendAsync(new MultipartBody().file("file", "m.jpg", "image/jpeg", image)
                    .post(api.uri("/predict")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        int batched = 0;
        for (CompletableFuture<HttpResponse<String>> future : responses) {
            HttpResponse<String> response = future.join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = TestServer.json(response);
            assertThat(body.get("predicted_class")).isEqualTo(single.get("predicted_class"));
            assertThat(body.get("confidence").floatValue()).isEqualTo(single.get("confidence").floatValue());
            batched += body.get("batch_size").asInt() > 1 ? 1 : 0;
        }
        assertThat(batched).as("requests that shared a model call").isPositive();
    }

    // --- model facts, docs, metrics ---

    @Test
    void the_model_endpoint_tells_labels_backbone_input_size_and_metrics() {
        JsonNode body = TestServer.json(api.get("/model"));
        assertThat(body.get("num_classes").asInt()).isEqualTo(TestServer.LABELS.size());
        assertThat(Json.MAPPER.convertValue(body.get("labels"), List.class)).isEqualTo(TestServer.LABELS);
        assertThat(body.get("backbone").asText()).isEqualTo("mobilenetv2-int8");
        assertThat(body.get("input_size").asInt()).isEqualTo(224);
        assertThat(body.get("preprocessing").get("resize").asInt()).isEqualTo(256);
        assertThat(body.get("metrics").isObject()).isTrue(); // a random head has no validation metrics to show
        assertThat(body.get("training").get("recipe").asText()).startsWith("random head");
    }

    @Test
    void openapi_json_is_a_valid_document_listing_every_endpoint() {
        HttpResponse<String> response = api.get("/openapi.json");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode doc = TestServer.json(response);
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        List<String> paths = new ArrayList<>();
        doc.get("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).contains("/health", "/predict", "/predict/batch", "/model", "/metrics", "/openapi.json", "/docs", "/");
    }

    @Test
    void docs_serve_swagger_ui_from_the_webjar() {
        HttpResponse<String> page = api.get("/docs");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        String bundle = page.body().replaceAll("(?s).*src=\"([^\"]+swagger-ui-bundle\\.js)\".*", "$1");
        assertThat(api.get(bundle).statusCode()).isEqualTo(200);
        // Started by a script file of ours, not an inline script: the policy forbids inline scripts.
        String start = page.body().replaceAll("(?s).*src=\"([^\"]+docs-init\\.js)\".*", "$1");
        HttpResponse<String> script = api.get(start);
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
        assertThat(script.body()).contains("SwaggerUIBundle", "/openapi.json");
        assertThat(page.body()).doesNotContain("<script>");
    }

    @Test
    void metrics_expose_requests_latency_batches_queue_and_inference() {
        api.predict(TestImages.caltech("ketch"));
        api.get("/no/such/page");
        HttpResponse<String> response = api.get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(response.body()).contains(
                "http_server_requests_seconds_bucket{method=\"POST\",route=\"/predict\",status=\"200\"",
                "route=\"NOT_FOUND\",status=\"404\"",
                "classifier_batch_size_bucket", "classifier_queue_depth", "classifier_inference_seconds_bucket",
                "classifier_queue_wait_seconds", "classifier_preprocess_seconds", "classifier_rejected_total",
                "http_server_requests_active",
                "jvm_memory_used_bytes");
    }

    // --- helpers ---

    private static float[] probabilities(byte[] image) {
        JsonNode predictions = TestServer.json(api.upload("/predict?top_k=1000", "file", "a.jpg", "image/jpeg", image)).get("predictions");
        float[] byLabel = new float[TestServer.LABELS.size()];
        for (JsonNode p : predictions) {
            byLabel[TestServer.LABELS.indexOf(p.get("label").asText())] = p.get("confidence").floatValue();
        }
        return byLabel;
    }
}

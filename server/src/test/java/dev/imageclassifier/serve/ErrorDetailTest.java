package dev.imageclassifier.serve;

import dev.imageclassifier.TestImages;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Error details tell clients what is wrong and what to do, never the server's paths, class names or ONNX Runtime's internals. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ErrorDetailTest {

    /** What must never reach a client: absolute paths, C++ and Java internals. */
    private static final String INTERNALS = "(?s).*(/tmp/|/work/|/home/|\\.cc|\\.cpp|onnxruntime::|java\\.|class \\[|cannot be cast|Exception).*";

    @TempDir
    Path dir;

    @Test
    void an_empty_model_file_is_reported_as_empty_on_health_predict_and_model() throws Exception {
        Path empty = Files.createFile(dir.resolve("classifier.onnx"));
        try (TestServer api = TestServer.start(settings -> ServeSettings.defaults(empty).withAddress("127.0.0.1", 0))) {
            for (HttpResponse<String> response : List.of(api.get("/health"), api.predict(TestImages.gif()), api.get("/model"))) {
                assertThat(response.statusCode()).isEqualTo(503);
                String detail = TestServer.json(response).get("detail").asText();
                assertThat(detail).contains("classifier.onnx is empty").doesNotMatch(INTERNALS);
            }
        }
    }

    @Test
    void a_model_that_is_not_onnx_a_bare_backbone_and_a_missing_file_are_named_with_what_to_do() throws Exception {
        Path garbage = Files.write(dir.resolve("classifier.onnx"), "not a protobuf at all".getBytes());
        assertHealthDetail(garbage, "classifier.onnx is not an ONNX model");
        assertHealthDetail(Path.of("../shared/models/mobilenetv2-12-int8.onnx"), "not a classifier made by this project", "train --backbone");
        assertHealthDetail(dir.resolve("nothing-here.onnx"), "Model file not found: nothing-here.onnx", "MODEL_PATH");
    }

    /** Issue 21, hole 7: 50 bytes XOR 0xFF in the file's second half were served as healthy, every answer wrong. */
    @Test
    void a_damaged_model_is_not_served_and_health_says_it_is_damaged() throws Exception {
        Path model = dev.imageclassifier.TestModels.randomHeadClassifier(dir.resolve("trained"), List.of("a", "b"), 1);
        byte[] bytes = Files.readAllBytes(model);
        for (int i = bytes.length * 3 / 4; i < bytes.length * 3 / 4 + 50; i++) {
            bytes[i] ^= (byte) 0xFF;
        }
        Path damaged = Files.write(dir.resolve("classifier.onnx"), bytes);
        try (TestServer api = TestServer.start(settings -> ServeSettings.defaults(damaged).withAddress("127.0.0.1", 0))) {
            HttpResponse<String> health = api.get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(TestServer.json(health).get("detail").asText()).contains("classifier.onnx is damaged", "digest")
                    .doesNotMatch(INTERNALS);
        }
    }

    @Test
    void a_tiff_that_crashes_the_decoder_is_a_clean_400() {
        try (TestServer api = TestServer.start()) {
            HttpResponse<String> response = api.predict(widthAsTwoLongs(TestImages.tiff()));
            assertThat(response.statusCode()).isEqualTo(400);
            String detail = TestServer.json(response).get("detail").asText();
            assertThat(detail).startsWith("Cannot decode TIFF image").doesNotMatch(INTERNALS);
        }
    }

    /**
     * Issue 21, hole 2: a part without a name made Javalin fail with a NullPointerException whose message (naming
     * {@code jakarta.servlet.http.Part.getName()}) was the 400's detail. Every malformed body gets our own words.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/predict", "/predict/batch", "/predict/heatmap.png"})
    void malformed_multipart_bodies_are_400_in_our_own_words(String route) {
        Map<String, String> bodies = Map.of(
                "--B\r\nContent-Type: image/jpeg\r\n\r\nabc\r\n--B--", "a part has no name",
                "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\nabc", "the body ended early",
                "--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.jpg\"\r\n\r\nabc", "the body ended early",
                "no boundary in sight", "Malformed multipart/form-data body",
                "--B\r\n\r\n\r\n--B--", "a part has no name");
        try (TestServer api = TestServer.start()) {
            bodies.forEach((body, expected) -> {
                HttpResponse<String> response = api.send(HttpRequest.newBuilder(api.uri(route))
                        .header("Content-Type", "multipart/form-data; boundary=B").POST(HttpRequest.BodyPublishers.ofString(body)));
                String detail = TestServer.json(response).get("detail").asText();
                assertThat(response.statusCode()).as(body + " -> " + detail).isEqualTo(400);
                assertThat(detail).as(body).startsWith("Malformed multipart/form-data body").contains(expected)
                        .doesNotMatch(INTERNALS).doesNotContain("jakarta", "getName", "null");
            });
        }
    }

    private static void assertHealthDetail(Path model, String... expected) {
        try (TestServer api = TestServer.start(settings -> ServeSettings.defaults(model).withAddress("127.0.0.1", 0))) {
            String detail = TestServer.json(api.get("/health")).get("detail").asText();
            assertThat(detail).contains(expected).doesNotMatch(INTERNALS);
        }
    }

    /**
     * A TIFF whose ImageWidth entry claims two LONG values (pointing at the first eight bytes of the file): the
     * TIFF decoder reads it as a long[] where it expects one number, the fuzzing find behind this test.
     */
    private static byte[] widthAsTwoLongs(byte[] tiff) {
        ByteBuffer bytes = ByteBuffer.wrap(tiff.clone());
        bytes.order(bytes.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = bytes.getInt(4);
        int entries = Short.toUnsignedInt(bytes.getShort(ifd));
        for (int i = 0; i < entries; i++) {
            int entry = ifd + 2 + 12 * i;
            if (Short.toUnsignedInt(bytes.getShort(entry)) == 256) { // ImageWidth
                bytes.putShort(entry + 2, (short) 4).putInt(entry + 4, 2).putInt(entry + 8, 0);
                return bytes.array();
            }
        }
        throw new AssertionError("no ImageWidth entry in the test TIFF");
    }
}

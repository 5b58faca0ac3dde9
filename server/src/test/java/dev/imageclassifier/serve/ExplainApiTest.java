package dev.imageclassifier.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.TestImages;
import dev.imageclassifier.serve.MultipartBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /predict?explain=true} and {@code /predict/heatmap.png} against a real server on a free port. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ExplainApiTest {

    private static final String[] EXPLAINING = {"/predict?explain=true", "/predict/heatmap.png"};
    private static TestServer api;

    @BeforeAll
    static void startServer() {
        api = TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        api.close();
    }

    private static JsonNode explained(String query, String label) {
        HttpResponse<String> response = api.upload("/predict" + query, "file", "a.jpg", "image/jpeg", TestImages.caltech(label));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response);
    }

    @Test
    void explain_true_adds_the_seven_by_seven_map_of_the_predicted_class_scaled_to_0_1() {
        JsonNode body = explained("?explain=true&top_k=3", "watch");
        JsonNode explanation = body.get("explanation");
        assertThat(explanation.get("class").asText()).isEqualTo(body.get("predicted_class").asText());
        assertThat(explanation.get("width").asInt()).isEqualTo(7);
        assertThat(explanation.get("height").asInt()).isEqualTo(7);
        assertThat(explanation.get("grid")).hasSize(7).allSatisfy(row -> assertThat(row).hasSize(7)
                .allSatisfy(cell -> assertThat(cell.asDouble()).isBetween(0.0, 1.0)));
        double max = 0;
        for (JsonNode row : explanation.get("grid")) {
            for (JsonNode cell : row) {
                max = Math.max(max, cell.asDouble());
            }
        }
        assertThat(max).isEqualTo(1.0);
        assertThat(body.get("predictions")).hasSize(3);
    }

    @Test
    void the_explained_answer_is_the_plain_answer() {
        JsonNode plain = explained("?top_k=10", "ketch");
        JsonNode explained = explained("?top_k=10&explain=true", "ketch");
        assertThat(plain.has("explanation")).isFalse();
        assertThat(explained.get("predicted_class")).isEqualTo(plain.get("predicted_class"));
        for (int i = 0; i < 10; i++) {
            assertThat(explained.get("predictions").get(i).get("label")).isEqualTo(plain.get("predictions").get(i).get("label"));
            assertThat(explained.get("predictions").get(i).get("confidence").asDouble())
                    .isCloseTo(plain.get("predictions").get(i).get("confidence").asDouble(), org.assertj.core.api.Assertions.within(1e-5));
        }
    }

    @Test
    void explain_class_explains_another_class() {
        JsonNode body = explained("?explain_class=chandelier", "watch");
        assertThat(body.get("explanation").get("class").asText()).isEqualTo("chandelier");
    }

    @Test
    void an_unknown_explain_class_is_400_naming_it() {
        for (String path : EXPLAINING) {
            String sep = path.contains("?") ? "&" : "?";
            HttpResponse<String> response = api.upload(path + sep + "explain_class=unicorn", "file", "a.jpg", "image/jpeg",
                    TestImages.caltech("watch"));
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(TestServer.json(response).get("detail").asText()).contains("Unknown explain_class 'unicorn'", "GET /model");
        }
    }

    /** Issue 21: explain=false beside explain_class used to explain anyway; the contradiction is a 400. */
    @Test
    void explain_false_beside_explain_class_is_a_400_contradiction() {
        for (String path : java.util.List.of("/predict", "/predict/heatmap.png")) {
            for (String falseValue : java.util.List.of("false", "0", "FALSE")) {
                HttpResponse<String> response = api.upload(path + "?explain=" + falseValue + "&explain_class=watch", "file",
                        "a.jpg", "image/jpeg", TestImages.caltech("watch"));
                assertThat(response.statusCode()).as(path).isEqualTo(400);
                assertThat(TestServer.json(response).get("detail").asText()).contains("contradicts explain_class");
            }
        }
    }

    @Test
    void an_explain_with_spaces_is_400_like_a_top_k_with_spaces() {
        HttpResponse<String> response = api.upload("/predict?explain=%20true", "file", "a.jpg", "image/jpeg", TestImages.caltech("watch"));
        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void an_explain_that_is_not_true_or_false_is_400() {
        HttpResponse<String> response = api.upload("/predict?explain=maybe", "file", "a.jpg", "image/jpeg", TestImages.caltech("watch"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText()).isEqualTo("explain must be true or false, got 'maybe'");
    }

    @Test
    void the_heatmap_is_a_png_of_the_uploaded_photo_naming_the_class_it_explains() throws Exception {
        BufferedImage photo = TestImages.photo("airplanes", 500, 300);
        HttpResponse<byte[]> response = api.client.send(new MultipartBody().file("file", "plane.jpg", "image/jpeg", TestImages.jpeg(photo))
                .post(api.uri("/predict/heatmap.png?explain_class=airplanes")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(response.headers().firstValue("X-Explained-Class")).hasValue("airplanes");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(png.getWidth()).isEqualTo(500);
        assertThat(png.getHeight()).isEqualTo(300);
        // Outside the centre crop (left edge) the photo is dimmed, not painted over.
        int edge = png.getRGB(2, 150);
        int original = photo.getRGB(2, 150);
        assertThat(brightness(edge)).isLessThan(brightness(original) * 0.5 + 2);
    }

    private static double brightness(int rgb) {
        return ((rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) + (rgb & 0xFF)) / 3.0;
    }

    // --- bad input gets the usual answers with explain too ---

    @ParameterizedTest
    @ValueSource(strings = {"/predict?explain=true", "/predict/heatmap.png"})
    void no_file_is_400_no_file_uploaded(String path) {
        HttpResponse<String> response = api.send(HttpRequest.newBuilder(api.uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText()).isEqualTo("No file uploaded");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/predict?explain=true", "/predict/heatmap.png"})
    void a_text_file_is_400_invalid_file_type(String path) {
        HttpResponse<String> response = api.upload(path, "file", "a.txt", "text/plain", "not an image".getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText()).contains("Invalid file type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/predict?explain=true", "/predict/heatmap.png"})
    void a_truncated_jpeg_is_400(String path) {
        byte[] jpeg = TestImages.caltech("Leopards");
        HttpResponse<String> response = api.upload(path, "file", "a.jpg", "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 2));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText()).containsIgnoringCase("corrupt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/predict?explain=true", "/predict/heatmap.png"})
    void a_body_over_the_limit_is_413(String path) {
        HttpResponse<String> response = api.send(new MultipartBody().file("file", "big.jpg", "image/jpeg", new byte[11 * 1024 * 1024])
                .post(api.uri(path)));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(TestServer.json(response).get("detail").asText()).startsWith("File too large");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/predict?explain=true", "/predict/heatmap.png"})
    void a_png_bomb_is_413(String path) {
        HttpResponse<String> response = api.upload(path, "file", "bomb.png", "image/png", TestImages.pngBomb(30_000, 30_000));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(TestServer.json(response).get("detail").asText()).contains("megapixels");
    }

    @Test
    void the_openapi_document_describes_the_heatmap_and_the_explain_parameters() {
        JsonNode doc = TestServer.json(api.get("/openapi.json"));
        assertThat(doc.get("paths").has("/predict/heatmap.png")).isTrue();
        assertThat(doc.get("components").get("parameters").has("Explain")).isTrue();
        assertThat(doc.get("components").get("schemas").get("Prediction").get("properties").has("explanation")).isTrue();
    }

    @Test
    void the_heatmap_route_takes_only_post() {
        HttpResponse<String> response = api.get("/predict/heatmap.png");
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(TestServer.json(response).has("detail")).isTrue();
    }
}

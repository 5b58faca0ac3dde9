package dev.imageclassifier.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /predict} with {@code {"image": "<base64>"}}: the same answer as multipart, clear 400s for the mistakes. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JsonImageTest {

    private static TestServer api;

    @BeforeAll
    static void start() {
        api = TestServer.start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void a_base64_image_in_json_gets_the_same_answer_as_multipart() {
        byte[] image = TestImages.caltech("watch");
        JsonNode multipart = TestServer.json(api.predict(image));
        for (String encoded : new String[] {Base64.getEncoder().encodeToString(image), Base64.getUrlEncoder().withoutPadding().encodeToString(image),
                "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(image), Base64.getMimeEncoder().encodeToString(image)}) {
            HttpResponse<String> response = postJson("/predict?top_k=3", "{\"image\": \"" + encoded.replace("\r\n", "\\r\\n") + "\"}");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode json = TestServer.json(response);
            assertThat(json.get("predicted_class").asText()).isEqualTo(multipart.get("predicted_class").asText());
            assertThat(json.get("confidence").floatValue()).isEqualTo(multipart.get("confidence").floatValue());
            assertThat(json.get("predictions")).hasSize(3);
        }
    }

    @Test
    void mistakes_are_400s_in_our_own_words() {
        assertDetail(postJson("/predict", "{\"image\": \"not base64!\"}"), "The field 'image' is not valid base64");
        assertDetail(postJson("/predict", "{\"picture\": \"AAAA\"}"), "No file uploaded: the JSON body has no field 'image'");
        assertDetail(postJson("/predict", "{\"image\": 42}"), "The field 'image' must be a string");
        assertDetail(postJson("/predict", "{\"image\": \"\"}"), "No file uploaded: the field 'image' is empty");
        assertDetail(postJson("/predict", "{\"image\": "), "The body is not valid JSON");
        assertDetail(postJson("/predict", "[1]"), "The JSON body must be an object");
        assertDetail(postJson("/predict", "{\"image\": \"" + Base64.getEncoder().encodeToString("hello".getBytes()) + "\"}"), "");
    }

    @Test
    void the_heatmap_takes_json_too() {
        String body = "{\"image\": \"" + Base64.getEncoder().encodeToString(TestImages.caltech("watch")) + "\"}";
        HttpResponse<String> response = postJson("/predict/heatmap.png", body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
    }

    private static void assertDetail(HttpResponse<String> response, String start) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText()).startsWith(start);
    }

    private static HttpResponse<String> postJson(String path, String body) {
        return api.send(HttpRequest.newBuilder(api.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}

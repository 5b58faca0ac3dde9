package dev.imageclassifier.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.TestImages;
import dev.imageclassifier.io.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Open Inference Protocol (KServe v2) on a real server with the committed Caltech-101 classifier: every request
 * sent and every JSON answer is validated against KServe's own {@code rest_predict_v2.yaml} ({@link KServeSpec}), and
 * the answers agree with {@code /predict}'s.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class V2ProtocolTest {

    private static final Path TRAINED = Path.of("model", "classifier.onnx");
    private static final String MODEL = "classifier"; // the file's stem
    private static TestServer api;
    private static String version;

    @BeforeAll
    static void start() {
        api = TestServer.serving(TRAINED);
        version = TestServer.json(api.get("/v2/models/" + MODEL)).get("versions").get(0).asText();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void server_metadata_liveness_and_readiness() {
        HttpResponse<String> metadata = api.get("/v2");
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertValid("metadata_server_response", metadata.body());
        assertThat(TestServer.json(metadata).get("extensions").toString()).contains("binary_tensor_data", "classification");
        assertThat(api.get("/v2/").statusCode()).isEqualTo(200); // the path as the yaml spells it
        assertThat(api.get("/v2/health/live").statusCode()).isEqualTo(200);
        assertThat(api.get("/v2/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void model_metadata_and_readiness_with_and_without_a_version() {
        for (String path : List.of("/v2/models/" + MODEL, "/v2/models/" + MODEL + "/versions/" + version)) {
            HttpResponse<String> metadata = api.get(path);
            assertThat(metadata.statusCode()).as(path).isEqualTo(200);
            assertValid("metadata_model_response", metadata.body());
            JsonNode json = TestServer.json(metadata);
            assertThat(json.get("name").asText()).isEqualTo(MODEL);
            assertThat(json.get("inputs").get(0).get("datatype").asText()).isEqualTo("BYTES");
            assertThat(json.get("outputs").get(0).get("shape").get(1).asInt()).isEqualTo(101);
            assertThat(api.get(path + "/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void json_infer_of_a_caltech_image_gives_the_label_and_probability_of_predict() {
        byte[] image = TestImages.caltech("airplanes");
        JsonNode predict = TestServer.json(api.predict(image));
        String request = "{\"id\": \"req-1\", \"inputs\": [{\"name\": \"image\", \"shape\": [1], \"datatype\": \"BYTES\", "
                + "\"parameters\": {\"content_type\": \"base64\"}, \"data\": [\"" + Base64.getEncoder().encodeToString(image) + "\"]}]}";
        assertValid("inference_request", request);
        HttpResponse<String> response = postJson("/v2/models/" + MODEL + "/infer", request);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertValid("inference_response", response.body());
        JsonNode json = TestServer.json(response);
        assertThat(json.get("model_name").asText()).isEqualTo(MODEL);
        assertThat(json.get("model_version").asText()).isEqualTo(version);
        assertThat(json.get("id").asText()).isEqualTo("req-1");
        JsonNode output = json.get("outputs").get(0);
        assertThat(output.get("name").asText()).isEqualTo("probabilities");
        assertThat(output.get("datatype").asText()).isEqualTo("FP32");
        assertThat(output.get("shape").toString()).isEqualTo("[1,101]");
        float[] probabilities = floats(output.get("data"));
        int best = argmax(probabilities);
        List<String> labels = labels();
        assertThat(labels.get(best)).isEqualTo(predict.get("predicted_class").asText()).isEqualTo("airplanes");
        assertThat(probabilities[best]).isEqualTo(predict.get("confidence").floatValue());
    }

    @Test
    void the_classification_extension_gives_top_k_as_score_index_label() {
        byte[] image = TestImages.caltech("watch");
        JsonNode predict = TestServer.json(api.send(new MultipartBody().file("file", "w.jpg", "image/jpeg", image)
                .post(api.uri("/predict?top_k=3"))));
        String request = "{\"inputs\": [{\"name\": \"image\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\""
                + Base64.getEncoder().encodeToString(image) + "\"]}], \"outputs\": [{\"name\": \"probabilities\", "
                + "\"parameters\": {\"classification\": 3}}]}";
        assertValid("inference_request", request);
        HttpResponse<String> response = postJson("/v2/models/" + MODEL + "/versions/" + version + "/infer", request);
        assertValid("inference_response", response.body());
        JsonNode output = TestServer.json(response).get("outputs").get(0);
        assertThat(output.get("datatype").asText()).isEqualTo("BYTES");
        assertThat(output.get("shape").toString()).isEqualTo("[1,3]");
        List<String> labels = labels();
        for (int i = 0; i < 3; i++) {
            String[] parts = output.get("data").get(i).asText().split(":", 3);
            JsonNode expected = predict.get("predictions").get(i);
            assertThat(parts[2]).isEqualTo(expected.get("label").asText());
            assertThat(Integer.parseInt(parts[1])).isEqualTo(labels.indexOf(parts[2]));
            assertThat(Float.parseFloat(parts[0])).isCloseTo(expected.get("confidence").floatValue(), org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void binary_tensor_data_in_and_out_gives_the_same_probabilities_as_json() {
        byte[] first = TestImages.caltech("airplanes");
        byte[] second = TestImages.caltech("watch");
        String request = "{\"inputs\": [{\"name\": \"image\", \"shape\": [2], \"datatype\": \"BYTES\", \"data\": [\""
                + Base64.getEncoder().encodeToString(first) + "\", \"" + Base64.getEncoder().encodeToString(second) + "\"]}]}";
        float[] fromJson = floats(TestServer.json(postJson("/v2/models/" + MODEL + "/infer", request)).get("outputs").get(0).get("data"));

        byte[] tensor = bytesTensor(first, second);
        String header = "{\"inputs\": [{\"name\": \"image\", \"shape\": [2], \"datatype\": \"BYTES\", \"parameters\": "
                + "{\"binary_data_size\": " + tensor.length + "}}], \"outputs\": [{\"name\": \"probabilities\", \"parameters\": "
                + "{\"binary_data\": true}}]}";
        HttpResponse<byte[]> response = postBinary("/v2/models/" + MODEL + "/infer", header, tensor);
        assertThat(response.statusCode()).isEqualTo(200);
        int jsonLength = Integer.parseInt(response.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        String json = new String(response.body(), 0, jsonLength, StandardCharsets.UTF_8);
        JsonNode output = parse(json).get("outputs").get(0);
        assertThat(output.get("parameters").get("binary_data_size").asInt()).isEqualTo(2 * 101 * 4);
        assertThat(response.body().length - jsonLength).isEqualTo(2 * 101 * 4);
        ByteBuffer data = ByteBuffer.wrap(response.body(), jsonLength, 2 * 101 * 4).order(ByteOrder.LITTLE_ENDIAN);
        float[] fromBinary = new float[2 * 101];
        data.asFloatBuffer().get(fromBinary);
        assertThat(fromBinary).containsExactly(fromJson);
    }

    @Test
    void mistakes_are_errors_in_the_protocols_shape() {
        String good = "{\"inputs\": [{\"name\": \"image\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\""
                + Base64.getEncoder().encodeToString(TestImages.caltech("watch")) + "\"]}]}";
        assertError(postJson("/v2/models/nope/infer", good), 404, "");
        assertError(api.get("/v2/models/nope/ready"), 404, "");
        assertError(postJson("/v2/models/" + MODEL + "/versions/999/infer", good), 404, "");
        assertError(postJson("/v2/models/" + MODEL + "/infer", good.replace("BYTES", "FP32")), 400, "The input 'image' must have datatype BYTES");
        assertError(postJson("/v2/models/" + MODEL + "/infer", good.replace("[1]", "[2]")), 400, "The input 'image' has 1 elements, its shape says 2");
        assertError(postJson("/v2/models/" + MODEL + "/infer", "{\"inputs\": [{\"name\": \"image\", \"shape\": [1], "
                + "\"datatype\": \"BYTES\", \"data\": [\"%%%\"]}]}"), 400, "Element 1 of input 'image' is not valid base64");
        assertError(postJson("/v2/models/" + MODEL + "/infer", "{\"inputs\": [{\"name\": \"image\", \"shape\": [1], "
                + "\"datatype\": \"BYTES\", \"data\": [\"aGVsbG8=\"]}]}"), 400, "");
        assertError(postJson("/v2/models/" + MODEL + "/infer", "{\"inputs\": []}"), 400, "The inference request needs exactly one input");
        assertError(postJson("/v2/models/" + MODEL + "/infer", good.replace("[1]", "[2147483647, 2147483647, 2147483647]")), 400,
                "The input 'image' must hold 1 to 16 images");
        assertError(postJson("/v2/models/" + MODEL + "/infer", good.replace("]}]}", "]}], \"outputs\": [{\"name\": \"logits\"}]}")),
                400, "Unknown output 'logits'");
        assertError(postBinary("/v2/models/" + MODEL + "/infer", "{\"inputs\": [{\"name\": \"image\", \"shape\": [1], "
                + "\"datatype\": \"BYTES\", \"parameters\": {\"binary_data_size\": 10}}]}", new byte[] {1, 2, 3}), 400, "The input 'image' says binary_data_size 10");
    }

    @Test
    void the_validator_does_refuse_what_breaks_the_yaml() {
        assertThat(KServeSpec.errors("inference_response", "{\"outputs\": []}")).isNotEmpty(); // no model_name
        assertThat(KServeSpec.errors("inference_request", "{\"inputs\": [{\"name\": \"image\", \"shape\": [1], \"datatype\": \"BYTES\"}]}"))
                .isNotEmpty(); // no data
        assertThat(KServeSpec.errors("metadata_model_response", "{\"name\": \"m\", \"platform\": 3}")).isNotEmpty();
    }

    @Test
    void every_path_of_the_yaml_is_served() {
        Iterator<String> paths = KServeSpec.paths().propertyNames().iterator();
        while (paths.hasNext()) {
            String path = paths.next().replace("${MODEL_NAME}", MODEL).replace("${MODEL_VERSION}", version);
            HttpResponse<String> response = path.endsWith("/infer") ? postJson(path, "{\"inputs\": [{\"name\": \"image\", "
                    + "\"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"" + Base64.getEncoder().encodeToString(TestImages.caltech("watch")) + "\"]}]}")
                    : api.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
        }
    }

    static byte[] bytesTensor(byte[]... elements) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] element : elements) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(element.length).array());
            out.writeBytes(element);
        }
        return out.toByteArray();
    }

    private static List<String> labels() {
        List<String> labels = new ArrayList<>();
        TestServer.json(api.get("/v2/models/" + MODEL)).get("parameters").get("labels").forEach(l -> labels.add(l.asText()));
        return labels;
    }

    private static void assertValid(String schema, String json) {
        assertThat(KServeSpec.errors(schema, json)).as(schema + ": " + json.substring(0, Math.min(300, json.length()))).isEmpty();
    }

    private static <T> void assertError(HttpResponse<T> response, int status, String start) {
        String body = response.body() instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : (String) response.body();
        assertThat(response.statusCode()).as(body).isEqualTo(status);
        assertValid("inference_error_response", body);
        assertThat(parse(body).get("error").asText()).startsWith(start);
    }

    private static float[] floats(JsonNode data) {
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.get(i).floatValue();
        }
        return values;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static HttpResponse<String> postJson(String path, String body) {
        return api.send(HttpRequest.newBuilder(api.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<byte[]> postBinary(String path, String header, byte[] binary) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[json.length + binary.length];
        System.arraycopy(json, 0, body, 0, json.length);
        System.arraycopy(binary, 0, body, json.length, binary.length);
        try {
            return api.client.send(HttpRequest.newBuilder(api.uri(path)).header("Content-Type", "application/octet-stream")
                    .header("Inference-Header-Content-Length", Integer.toString(json.length))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}

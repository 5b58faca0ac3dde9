package dev.imageclassifier.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.TestModels;
import dev.imageclassifier.serve.MultipartBody;
import dev.imageclassifier.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/** A real server on a free loopback port, serving a quick random-head classifier, with a small HTTP client. */
final class TestServer implements AutoCloseable {

    /** Real Caltech-101 class names, so a web page shows sensible labels. */
    static final List<String> LABELS = List.of("Faces", "Leopards", "Motorbikes", "airplanes", "bonsai", "car_side",
            "chandelier", "ketch", "laptop", "watch");

    private static Path model;
    private static Path secondModel;

    final ApiServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(ApiServer server) {
        this.server = server;
    }

    /** One classifier file for the whole test run: building it takes a second or two. */
    static synchronized Path model() {
        if (model == null) {
            try {
                Path dir = Files.createTempDirectory("serve-test-model");
                model = TestModels.randomHeadClassifier(dir, LABELS, 42);
                model.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
            } catch (Exception e) {
                throw new IllegalStateException("cannot build the test classifier", e);
            }
        }
        return model;
    }

    /** A second classifier file, different from {@link #model()} (another random head): for swaps between two files. */
    static synchronized Path secondModel() {
        if (secondModel == null) {
            try {
                Path dir = Files.createTempDirectory("serve-test-model-2");
                secondModel = TestModels.randomHeadClassifier(dir, LABELS, 7);
                secondModel.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
            } catch (Exception e) {
                throw new IllegalStateException("cannot build the second test classifier", e);
            }
        }
        return secondModel;
    }

    static TestServer start() {
        return start(settings -> settings);
    }

    static TestServer start(UnaryOperator<ServeSettings> customize) {
        return new TestServer(ApiServer.start(customize.apply(ServeSettings.defaults(model()).withAddress("127.0.0.1", 0))));
    }

    /** A client for a server started otherwise. */
    static TestServer wrap(ApiServer server) {
        return new TestServer(server);
    }

    /** A server for another classifier file, e.g. the committed trained one. */
    static TestServer serving(Path classifier) {
        return new TestServer(ApiServer.start(ServeSettings.defaults(classifier).withAddress("127.0.0.1", 0)));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs one file in the given multipart field. */
    HttpResponse<String> upload(String path, String field, String filename, String contentType, byte[] content) {
        return send(new MultipartBody().file(field, filename, contentType, content).post(uri(path)));
    }

    HttpResponse<String> predict(byte[] image) {
        return upload("/predict", "file", "image.jpg", "image/jpeg", image);
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}

package dev.imageclassifier.serve;

import dev.imageclassifier.TestImages;
import dev.imageclassifier.serve.ServeSettings.ReceiveLimits;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that send a body slowly, or headers and then nothing, must not take the server from everyone else
 * (the measured version with 1,000 connections is {@code scripts/benchmarks/slow-clients.sh}).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SlowClientTest {

    /** More uploads on their way than Jetty has threads (about 250). */
    private static final int SLOW_CONNECTIONS = 300;

    private final HttpClient impatient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void uploads_that_trickle_or_never_start_leave_health_and_predict_answered_and_get_408() throws Exception {
        ReceiveLimits limits = new ReceiveLimits(Duration.ofSeconds(5), 8 * 1024, 256L << 20);
        try (TestServer api = TestServer.start(settings -> settings.withReceiving(limits))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < SLOW_CONNECTIONS; i++) {
                    // Half send one byte of a 1 MB body, half send the headers and then nothing.
                    slow.add(slowUpload(api.server.port(), i % 2 == 0));
                }
                awaitInFlight(api.server, SLOW_CONNECTIONS);

                HttpResponse<String> health = impatient.send(HttpRequest.newBuilder(api.uri("/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                HttpResponse<String> predict = impatient.send(new dev.imageclassifier.serve.MultipartBody()
                        .file("file", "a.jpg", "image/jpeg", TestImages.caltech("airplanes")).post(api.uri("/predict"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(predict.statusCode()).isEqualTo(200);

                for (Socket socket : slow) {
                    String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(answer).startsWith("HTTP/1.1 408").contains("Connection: close", "\"detail\":\"Request body");
                }
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
            assertThat(api.get("/metrics").body()).contains("http_server_uploads_refused_total{reason=\"slow\"} " + SLOW_CONNECTIONS + ".0")
                    .contains("http_server_uploads_receiving_bytes 0.0");
        }
    }

    @Test
    void uploads_whose_clients_give_up_midway_leave_nothing_in_flight_or_in_memory() throws Exception {
        try (TestServer api = TestServer.start()) {
            List<Socket> quitters = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                quitters.add(slowUpload(api.server.port(), true));
            }
            awaitInFlight(api.server, quitters.size());
            for (Socket socket : quitters) {
                socket.close();
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (api.server.requestsInFlight() > 0 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            // Left in flight, they would hold their memory and keep a SIGTERM waiting for the whole shutdown timeout.
            assertThat(api.server.requestsInFlight()).isZero();
            assertThat(api.get("/metrics").body()).contains("http_server_uploads_receiving_bytes 0.0");
        }
    }

    @Test
    void bodies_on_their_way_share_a_memory_budget_and_past_it_get_503_with_retry_after() {
        ReceiveLimits small = new ReceiveLimits(Duration.ofSeconds(10), 8 * 1024, 64 * 1024);
        try (TestServer api = TestServer.start(settings -> settings.withReceiving(small))) {
            HttpResponse<String> big = api.predict(noisePng(300, 300));
            assertThat(big.statusCode()).isEqualTo(503);
            assertThat(big.headers().firstValue("Retry-After")).isPresent();
            assertThat(TestServer.json(big).get("detail").asText()).contains("too many uploads");

            assertThat(api.predict(TestImages.caltech("watch")).statusCode()).as("a body that fits").isEqualTo(200);
            assertThat(api.get("/metrics").body()).contains("http_server_uploads_refused_total{reason=\"busy\"} 1.0")
                    .contains("http_server_uploads_receiving_bytes 0.0");
        }
    }

    private static Socket slowUpload(int port, boolean oneByte) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: 1000000\r\n\r\n" + (oneByte ? "-" : "")).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** Waits (a few seconds at most) until the server has taken up the slow requests; a starved one never takes them all. */
    private static void awaitInFlight(ApiServer server, int requests) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (server.requestsInFlight() < requests && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    private static byte[] noisePng(int width, int height) {
        java.awt.image.BufferedImage noise = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        new Random(3).nextBytes(((java.awt.image.DataBufferByte) noise.getRaster().getDataBuffer()).getData());
        return TestImages.encode(noise, "png");
    }
}

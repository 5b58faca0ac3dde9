package dev.imageclassifier.serve;

import dev.imageclassifier.TestImages;
import dev.imageclassifier.serve.MultipartBody;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GracefulShutdownTest {

    @Test
    void shutting_down_refuses_new_connections_but_finishes_the_request_in_flight() throws Exception {
        TestServer api = TestServer.start();
        int port = api.server.port();
        MultipartBody multipart = new MultipartBody().file("file", "f.jpg", "image/jpeg", TestImages.caltech("Faces"));
        byte[] body = multipart.bytes();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            // Headers and half the body: the server is now handling this request, waiting for the rest.
            OutputStream out = socket.getOutputStream();
            out.write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: " + multipart.contentType()
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            awaitInFlight(api.server);

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(api::close);
            awaitConnectionsRefused(port);
            assertThat(stopping).isNotDone();

            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            String response = read(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 200").contains("\"predicted_class\"");
            stopping.get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Issue 21, hole 3: requests still in flight when the shutdown grace runs out used to lose their connection with
     * no answer, and the stop still said it was clean (serve exited 0). They get 503 + Retry-After, and the stop says
     * some were cut off (serve exits 1).
     */
    @Test
    void requests_still_in_flight_when_the_grace_runs_out_get_503_and_the_stop_is_not_clean() throws Exception {
        TestServer api = TestServer.start(settings -> new ServeSettings(settings.host(), settings.port(), settings.model(),
                settings.maxBodyBytes(), settings.maxBatchFiles(), settings.requestTimeout(), Duration.ofSeconds(1),
                settings.classifier(), settings.receiving()));
        MultipartBody multipart = new MultipartBody().file("file", "f.jpg", "image/jpeg", TestImages.caltech("Faces"));
        byte[] body = multipart.bytes();
        List<Socket> uploads = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                // Half the body, then nothing: in flight until the upload grace (10 s), well past the shutdown grace.
                Socket socket = new Socket("127.0.0.1", api.server.port());
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + multipart.contentType()
                        + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(body, 0, body.length / 2);
                socket.getOutputStream().flush();
                uploads.add(socket);
            }
            awaitInFlight(api.server, uploads.size());

            long start = System.nanoTime();
            assertThat(api.server.stop()).as("a stop that cut requests off is not clean").isFalse();
            assertThat(System.nanoTime() - start).as("the stop waits the grace, not the uploads").isLessThan(TimeUnit.SECONDS.toNanos(8));
            for (Socket socket : uploads) {
                String response = read(socket.getInputStream());
                assertThat(response).startsWith("HTTP/1.1 503").contains("Retry-After: 1", "Connection: close")
                        .endsWith("{\"detail\":\"The server is shutting down; try again later\"}");
            }
        } finally {
            for (Socket socket : uploads) {
                socket.close();
            }
        }
    }

    private static void awaitInFlight(ApiServer server, int requests) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.requestsInFlight() < requests && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(server.requestsInFlight()).isEqualTo(requests);
    }

    private static void awaitInFlight(ApiServer server) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.requestsInFlight() == 0 && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(server.requestsInFlight()).isEqualTo(1);
    }

    private static void awaitConnectionsRefused(int port) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                Thread.sleep(20);
            } catch (ConnectException refused) {
                return;
            } catch (IOException e) {
                return;
            }
        }
        throw new AssertionError("the server still accepts connections while shutting down");
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}

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

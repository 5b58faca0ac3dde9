package dev.imageclassifier.cli;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code serve} as a process supervisors run: SIGTERM drains and exits 0, or 1 when it had to cut requests off. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServeProcessTest {

    private static final Pattern LISTENING = Pattern.compile("Listening on http://[^:]+:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void sigterm_after_a_clean_drain_exits_0() throws Exception {
        Path log = dir.resolve("serve.log");
        Process server = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--host", "127.0.0.1", "--port", "0", "--model", "model/classifier.onnx"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int port = awaitPort(log, server);
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            server.destroy(); // SIGTERM
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).as(Files.readString(log)).isZero();
            assertThat(Files.readString(log)).contains("Stopped");
        } finally {
            server.destroyForcibly();
        }
    }

    /**
     * Issue 21, hole 3: an upload still on its way when the shutdown grace runs out used to lose its connection with
     * no answer, and serve exited 0. It gets 503, and serve exits 1.
     */
    @Test
    void sigterm_with_an_upload_still_on_its_way_after_the_grace_answers_it_503_and_exits_1() throws Exception {
        Path log = dir.resolve("serve.log");
        Process server = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--host", "127.0.0.1", "--port", "0", "--model", "model/classifier.onnx", "--shutdown-timeout-s", "1"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int port = awaitPort(log, server);
        try (java.net.Socket upload = new java.net.Socket("127.0.0.1", port)) {
            upload.setSoTimeout(30_000);
            // Headers and part of a 100 KB body, then nothing: in flight for the 10 s upload grace, past the shutdown's 1 s.
            upload.getOutputStream().write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; "
                    + "boundary=B\r\nContent-Length: 100000\r\n\r\n--B\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            upload.getOutputStream().flush();
            awaitUploadTakenUp(port); // not a fixed sleep: on a busy machine the server may take longer to read it

            server.destroy(); // SIGTERM
            String answer = new String(upload.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).as(Files.readString(log)).startsWith("HTTP/1.1 503").contains("Retry-After: 1", "The server is shutting down");
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).as(Files.readString(log)).isEqualTo(1);
            assertThat(Files.readString(log)).contains("requests cut off by the 1 s shutdown timeout");
        } finally {
            server.destroyForcibly();
        }
    }

    /** Until the server's upload receiver holds the body's first bytes (its memory gauge in /metrics is above 0). */
    private static void awaitUploadTakenUp(int port) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        Pattern receiving = Pattern.compile("(?m)^http_server_uploads_receiving_bytes (\\S+)$");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        while (System.nanoTime() < until) {
            String metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher bytes = receiving.matcher(metrics);
            if (bytes.find() && Double.parseDouble(bytes.group(1)) > 0) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the server never took the upload up");
    }

    private static int awaitPort(Path log, Process server) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until && server.isAlive()) {
            Matcher listening = LISTENING.matcher(Files.readString(log));
            if (listening.find()) {
                return Integer.parseInt(listening.group(1));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server never said where it listens:\n" + Files.readString(log));
    }
}

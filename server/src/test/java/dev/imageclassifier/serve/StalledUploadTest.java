package dev.imageclassifier.serve;

import dev.imageclassifier.serve.ServeSettings.ReceiveLimits;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upload that starts and then stops midway (issue 21, hole 1: {@code Content-Length: 10000000}, 300 KB, then
 * nothing) gets 408 in our own words, on every upload route, and is logged; it used to get, after Jetty's 30 s
 * idle timeout, {@code 500 {"detail":"java.util.concurrent.TimeoutException: Idle timeout expired..."}} and no log line.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StalledUploadTest {

    private static final List<String> ROUTES = List.of("/predict", "/predict/batch", "/predict/heatmap.png");
    private static final int SENT = 300 * 1024;
    /** What must never reach a client. */
    private static final String INTERNALS = "(?s).*(java\\.|Exception|jetty|Idle timeout).*";

    @Test
    void an_upload_that_stops_midway_gets_408_in_our_words_once_the_grace_has_passed_and_is_logged() throws Exception {
        // A minimum rate any sender meets: only the stall can end these uploads.
        ReceiveLimits limits = new ReceiveLimits(Duration.ofSeconds(2), 1, 256L << 20);
        try (LogCapture log = LogCapture.of(UploadReceiver.class); TestServer api = TestServer.start(settings -> settings.withReceiving(limits))) {
            assertStalledUploadsGet408(api, log);
        }
    }

    @Test
    void jettys_idle_timeout_midway_is_a_408_in_our_words_too() throws Exception {
        // A grace longer than the idle timeout: Jetty's timeout comes first, as with --upload-grace-s above 30.
        ReceiveLimits limits = new ReceiveLimits(Duration.ofSeconds(60), 1, 256L << 20);
        try (LogCapture log = LogCapture.of(UploadReceiver.class); TestServer api = TestServer.start(settings -> settings.withReceiving(limits))) {
            for (Connector connector : api.server.jetty().getConnectors()) {
                ((AbstractConnector) connector).setIdleTimeout(1500);
            }
            assertStalledUploadsGet408(api, log);
        }
    }

    private static void assertStalledUploadsGet408(TestServer api, LogCapture log) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (String route : ROUTES) {
                sockets.add(stalledUpload(api.server.port(), route));
            }
            for (Socket socket : sockets) {
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 408").contains("Connection: close")
                        .contains("\"detail\":\"Request body timeout: the upload stopped after " + SENT + " of 10000000 bytes");
                assertThat(answer.substring(answer.indexOf("\r\n\r\n"))).doesNotMatch(INTERNALS);
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        for (String route : ROUTES) {
            assertThat(log.messages()).anyMatch(line -> line.startsWith("POST " + route + " from 127.0.0.1: 408 Request body timeout"));
        }
    }

    /** Headers promising 10,000,000 bytes, 300 KB of them, then nothing; the answer is awaited 20 s at most. */
    private static Socket stalledUpload(int port, String route) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + route + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                + "Content-Length: 10000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[SENT]);
        out.flush();
        return socket;
    }
}

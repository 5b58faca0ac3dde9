package dev.imageclassifier.serve;

import dev.imageclassifier.serve.ServeSettings.ConnectionLimits;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Clients that trickle their request headers a byte at a time, more of them than the connection caps allow, must
 * neither keep their connections nor keep {@code /health} from answering (issue 21, hole 4; the measured version is
 * {@code scripts/benchmarks/slow-clients.sh trickled-headers}). Loopback only: the crowds come from 127.0.0.2 and
 * 127.0.0.3, the probe from 127.0.0.1.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SlowHeadersTest {

    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(4);
    /** 40 in all, of which 4 only for addresses that hold none yet; 20 per address. */
    private static final ConnectionLimits SMALL = new ConnectionLimits(HEADER_TIMEOUT, 40, 20);
    private static final int PER_CROWD = 30;

    @Test
    void trickled_headers_are_cut_off_at_the_deadline_and_the_caps_leave_room_for_health() throws Exception {
        assumeTrue(canBind("127.0.0.2") && canBind("127.0.0.3"), "this loopback interface has only 127.0.0.1");
        try (TestServer api = TestServer.start(settings -> settings.withConnections(SMALL))) {
            int port = api.server.port();
            List<Socket> crowd = new ArrayList<>();
            try {
                long opened = System.nanoTime();
                for (int i = 0; i < PER_CROWD; i++) {
                    crowd.add(trickler("127.0.0.2", port));
                }
                for (int i = 0; i < PER_CROWD; i++) {
                    crowd.add(trickler("127.0.0.3", port));
                }
                Thread trickle = new Thread(() -> trickle(crowd), "trickle");
                trickle.setDaemon(true);
                trickle.start();
                Thread.sleep(300);

                // The probe, from an address that holds nothing yet, gets in although 36 connections are held.
                assertThat(health(port)).startsWith("HTTP/1.1 200");

                // Over the per-address cap (20 of 127.0.0.2) and over the total but the reserve (36): 503 at once.
                List<Socket> kept = new ArrayList<>();
                List<String> refusals = new ArrayList<>();
                for (Socket socket : crowd) {
                    String answer = answerWithin(socket, 20);
                    if (answer == null) {
                        kept.add(socket);
                    } else {
                        refusals.add(answer);
                    }
                }
                assertThat(kept).hasSize(36);
                assertThat(System.nanoTime() - opened).as("checked before the deadline").isLessThan(HEADER_TIMEOUT.toNanos());
                assertThat(refusals).hasSize(2 * PER_CROWD - 36).allSatisfy(answer -> assertThat(answer)
                        .satisfiesAnyOf(a -> assertThat(a).startsWith("HTTP/1.1 503").contains("\"detail\":"),
                                a -> assertThat(a).isEqualTo("reset")));

                // Trickling on, every kept one is closed once its headers are overdue, none long after.
                for (Socket socket : kept) {
                    assertThat(answerWithin(socket, 10_000)).as("closed by the server").isIn("", "reset");
                }
                long took = System.nanoTime() - opened;
                assertThat(took).isBetween(HEADER_TIMEOUT.toNanos(), HEADER_TIMEOUT.plusSeconds(3).toNanos());
                trickle.interrupt();
            } finally {
                for (Socket socket : crowd) {
                    socket.close();
                }
            }
            assertThat(health(port)).startsWith("HTTP/1.1 200");
            String metrics = api.get("/metrics").body();
            assertThat(metrics).contains("http_server_connections_closed_total{reason=\"header_timeout\"} 36.0",
                    "http_server_connections_refused_total{reason=\"per_address\"} 10.0",
                    "http_server_connections_refused_total{reason=\"total\"} 14.0");
        }
    }

    @Test
    void a_kept_alive_connection_whose_next_request_trickles_is_closed_too() throws Exception {
        try (TestServer api = TestServer.start(settings -> settings.withConnections(
                new ConnectionLimits(Duration.ofSeconds(2), 0, 0)))) {
            try (Socket socket = new Socket("127.0.0.1", api.server.port())) {
                OutputStream out = socket.getOutputStream();
                out.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.setSoTimeout(5_000);
                byte[] first = new byte[4096];
                int read = socket.getInputStream().read(first);
                assertThat(new String(first, 0, read, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");

                Thread.sleep(2_500); // idle between requests: the header clock has not started
                out.write("GET /health HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                long started = System.nanoTime();
                String answer = null;
                for (int i = 0; i < 8 && answer == null; i++) {
                    try {
                        out.write('a');
                        out.flush();
                    } catch (IOException e) {
                        answer = "reset";
                    }
                    answer = answer != null ? answer : answerWithin(socket, 1_000);
                }
                assertThat(answer).as("closed by the server").isIn("", "reset");
                assertThat(System.nanoTime() - started).isBetween(Duration.ofSeconds(2).toNanos(), Duration.ofSeconds(5).toNanos());
            }
        }
    }

    private static boolean canBind(String address) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(address, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A connection from {@code from} that has sent the start of a request's headers. */
    private static Socket trickler(String from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** One more header byte a second on every connection, until interrupted. */
    private static void trickle(List<Socket> sockets) {
        while (!Thread.currentThread().isInterrupted()) {
            for (Socket socket : sockets) {
                try {
                    socket.getOutputStream().write('a');
                } catch (IOException e) {
                    // closed by the server: the reading side checks how
                }
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** GET /health from 127.0.0.1 on a connection of its own; the status line and headers. */
    private static String health(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /**
     * What the server sent before closing the connection ("" for nothing, "reset" for a reset), or null when it is
     * still open after {@code millis}.
     */
    private static String answerWithin(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        InputStream in = socket.getInputStream();
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            for (int read; (read = in.read(buffer)) >= 0; ) {
                answer.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
            }
            return answer.toString();
        } catch (SocketTimeoutException e) {
            return answer.isEmpty() ? null : answer.toString();
        } catch (SocketException e) {
            return answer.isEmpty() ? "reset" : answer.toString();
        }
    }
}

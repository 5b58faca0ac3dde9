package dev.imageclassifier.fetch;

import dev.imageclassifier.DownloadException;
import dev.imageclassifier.Progress;
import dev.imageclassifier.ProgressListener;
import dev.imageclassifier.io.Sha256;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.List;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static dev.imageclassifier.fetch.LocalHttpServer.downloadOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DownloaderTest {

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    @TempDir
    Path dir;
    LocalHttpServer server;
    final byte[] content = randomBytes(300_000, 42);

    @BeforeEach
    void startServer() throws IOException {
        server = LocalHttpServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void downloadsAFileThroughARedirectAndReportsItsSha256() throws IOException {
        server.handle("/old/model.bin", LocalHttpServer.redirect("/new/model.bin"))
                .handle("/new/model.bin", LocalHttpServer.file(content));
        Path target = dir.resolve("sub/model.bin");

        DownloadedFile result = new Downloader(downloadOptions(1)).download(server.uri("/old/model.bin"), target, Sha256.of(content));

        assertThat(result.path()).isEqualTo(target);
        assertThat(result.sha256()).isEqualTo(Sha256.of(content));
        assertThat(result.size()).isEqualTo(content.length);
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(files(target.getParent())).containsExactly("model.bin");
    }

    @Test
    void aConnectionCutMidFileResumesWithARangeRequestThroughTheRedirect() throws IOException {
        int half = content.length / 2;
        server.handle("/model.bin", LocalHttpServer.redirect("/blob/model.bin"))
                .handle("/blob/model.bin", LocalHttpServer.sequence(LocalHttpServer.cutAfter(content, half), LocalHttpServer.file(content)));
        Path target = dir.resolve("model.bin");

        new Downloader(downloadOptions(3)).download(server.uri("/model.bin"), target, null);

        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        List<LocalHttpServer.Request> blob = server.requests().stream().filter(r -> r.target().equals("/blob/model.bin")).toList();
        assertThat(blob).hasSize(2);
        assertThat(blob.get(0).header("Range")).isEmpty();
        // It resumes where its part file ends: at most where the server cut, less when the reset dropped
        // bytes still in flight.
        String range = blob.get(1).header("Range").orElseThrow();
        assertThat(range).matches("bytes=\\d+-");
        assertThat(Long.parseLong(range.substring(6, range.length() - 1))).isBetween(1L, (long) half);
        assertThat(blob.get(1).header("If-Range")).as("the ETag of the first response").contains(LocalHttpServer.etag(content));
        assertThat(files(dir)).containsExactly("model.bin");
    }

    @Test
    void progressIsReportedFromTheResumePointToTheEnd() throws IOException {
        server.handle("/model.bin", LocalHttpServer.file(content));
        Path target = dir.resolve("model.bin");
        Files.write(Downloader.partFile(target), Arrays.copyOf(content, 1000));
        List<String> starts = new ArrayList<>();
        AtomicLong advanced = new AtomicLong();
        ProgressListener recording = (label, total, alreadyDone, unit) -> {
            starts.add(label + " " + alreadyDone + "/" + total);
            return new Progress() {
                @Override
                public void step(long amount) {
                    advanced.addAndGet(amount);
                }

                @Override
                public void close() {
                }
            };
        };

        new Downloader(downloadOptions(1).withProgress(recording)).download(server.uri("/model.bin"), target, null);

        assertThat(starts).containsExactly("model.bin 1000/" + content.length);
        assertThat(advanced).hasValue(content.length - 1000);
    }

    @Test
    void withoutATerminalADownloadIsToldInLinesRetriesIncluded() throws IOException {
        server.handle("/model.bin", LocalHttpServer.sequence(LocalHttpServer.status(503), LocalHttpServer.file(content)));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ProgressListener lines = ProgressListener.lines(new PrintStream(log, true, StandardCharsets.UTF_8));

        new Downloader(downloadOptions(3).withProgress(lines)).download(server.uri("/model.bin"), dir.resolve("model.bin"), null);

        assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo("Downloading " + server.uri("/model.bin") + "\n"
                + "Download attempt 1 of 3 failed: HTTP 503 (service unavailable); retrying now\n");
    }

    @Test
    void aResumedDownloadSaysWhereItResumes() throws IOException {
        server.handle("/model.bin", LocalHttpServer.file(content));
        Path target = dir.resolve("model.bin");
        Files.write(Downloader.partFile(target), Arrays.copyOf(content, 150_000));
        RecordingProgress progress = new RecordingProgress();

        new Downloader(downloadOptions(1).withProgress(progress)).download(server.uri("/model.bin"), target, null);

        assertThat(progress.notes()).containsExactly("Resuming the download of " + server.uri("/model.bin") + " at 150.0 kB");
    }

    @Test
    void aPartFileLeftByAnEarlierRunIsResumed() throws IOException {
        server.handle("/model.bin", LocalHttpServer.file(content));
        Path target = dir.resolve("model.bin");
        Files.write(Downloader.partFile(target), Arrays.copyOf(content, 1000));

        new Downloader(downloadOptions(1)).download(server.uri("/model.bin"), target, Sha256.of(content));

        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(server.requests()).singleElement().satisfies(r -> assertThat(r.header("Range")).contains("bytes=1000-"));
    }

    @Test
    void aServerThatIgnoresRangeMakesTheDownloadStartOver() throws IOException {
        server.handle("/model.bin", exchange -> LocalHttpServer.send(exchange, 200, content));
        Path target = dir.resolve("model.bin");
        Files.write(Downloader.partFile(target), randomBytes(1000, 7)); // bytes that are not the file's start

        new Downloader(downloadOptions(1)).download(server.uri("/model.bin"), target, null);

        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(server.requests().get(0).header("Range")).contains("bytes=1000-");
    }

    @Test
    void aCompletePartFileAnswered416IsAcceptedWithoutRefetching() throws IOException {
        server.handle("/model.bin", LocalHttpServer.file(content));
        Path target = dir.resolve("model.bin");
        Files.write(Downloader.partFile(target), content);

        new Downloader(downloadOptions(1)).download(server.uri("/model.bin"), target, Sha256.of(content));

        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aChecksumMismatchFailsAndLeavesNothingBehind() {
        server.handle("/model.bin", LocalHttpServer.file(content));
        Path target = dir.resolve("model.bin");
        String wrong = Sha256.of("something else");

        assertThatThrownBy(() -> new Downloader(downloadOptions(1)).download(server.uri("/model.bin"), target, wrong))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("SHA-256 mismatch")
                .hasMessageContaining("expected " + wrong)
                .hasMessageContaining("got " + Sha256.of(content));
        assertThat(files(dir)).isEmpty();
    }

    @Test
    void aRejectingFileCheckDeletesTheDownload() {
        server.handle("/model.bin", LocalHttpServer.file(content));

        assertThatThrownBy(() -> new Downloader(downloadOptions(1)).download(server.uri("/model.bin"), dir.resolve("model.bin"), null,
                file -> {
                    throw new IOException("not the kind of file we wanted");
                }))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("rejected")
                .hasMessageContaining("not the kind of file we wanted");
        assertThat(files(dir)).isEmpty();
    }

    @Test
    void notFoundFailsAtOnceWithTheStatusAndUrl() {
        URI url = server.uri("/missing.bin");

        assertThatThrownBy(() -> new Downloader(downloadOptions(5)).download(url, dir.resolve("missing.bin"), null))
                .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.statusCode()).isEqualTo(404))
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining(url.toString());
        assertThat(server.requests()).hasSize(1);
        assertThat(files(dir)).isEmpty();
    }

    @Test
    void forbiddenIsNotRetriedEither() {
        server.handle("/secret.bin", LocalHttpServer.status(403));

        assertThatThrownBy(() -> new Downloader(downloadOptions(5)).download(server.uri("/secret.bin"), dir.resolve("secret.bin"), null))
                .hasMessageContaining("HTTP 403 (access denied)");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void serviceUnavailableTwiceThenSuccessIsRetried() throws IOException {
        server.handle("/model.bin", LocalHttpServer.sequence(
                LocalHttpServer.status(503), LocalHttpServer.status(503), LocalHttpServer.file(content)));

        new Downloader(downloadOptions(3)).download(server.uri("/model.bin"), dir.resolve("model.bin"), null);

        assertThat(Files.exists(dir.resolve("model.bin"))).isTrue();
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void persistentServerErrorsGiveUpAfterTheConfiguredAttempts() {
        server.handle("/model.bin", LocalHttpServer.status(500));

        assertThatThrownBy(() -> new Downloader(downloadOptions(3)).download(server.uri("/model.bin"), dir.resolve("model.bin"), null))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("after 3 attempts")
                .hasMessageContaining("HTTP 500");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void aStalledTransferIsAbandonedAndResumed() throws IOException {
        int part = 100_000;
        server.handle("/model.bin", LocalHttpServer.sequence(server.stallAfter(content, part), LocalHttpServer.file(content)));
        // the idle timeout also bounds the wait for the headers: too short, and a busy machine fails the first try early
        DownloadOptions options = downloadOptions(2).withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(1500));

        new Downloader(options).download(server.uri("/model.bin"), dir.resolve("model.bin"), Sha256.of(content));

        assertThat(Files.readAllBytes(dir.resolve("model.bin"))).isEqualTo(content);
        assertThat(server.requests()).hasSize(2);
        assertThat(server.requests().get(1).header("Range")).contains("bytes=" + part + "-");
    }

    @Test
    void anUnreachableServerIsRetriedThenReportedClearly() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + closedPort + "/model.bin");

        RecordingProgress progress = new RecordingProgress();

        assertThatThrownBy(() -> new Downloader(downloadOptions(2).withProgress(progress)).download(url, dir.resolve("model.bin"), null))
                .isInstanceOf(DownloadException.class)
                .hasMessage("could not download " + url + " after 2 attempts; last error: connection refused by 127.0.0.1:" + closedPort);
        assertThat(progress.notes()).containsExactly("Downloading " + url,
                "Download attempt 1 of 2 failed: connection refused by 127.0.0.1:" + closedPort + "; retrying now");
        assertThat(files(dir)).isEmpty();
    }

    @Test
    void aHostNameThatDoesNotResolveIsSaidSoAtOnceWithoutRetries() {
        URI url = URI.create("http://no-such-host.invalid/model.bin"); // .invalid never resolves (RFC 2606)
        RecordingProgress progress = new RecordingProgress();

        assertThatThrownBy(() -> new Downloader(downloadOptions(5).withProgress(progress)).download(url, dir.resolve("model.bin"), null))
                .hasMessage("could not download " + url + ": cannot resolve no-such-host.invalid:80 (no network, or a wrong host name)");
        assertThat(progress.notes()).containsExactly("Downloading " + url);
    }

    @Test
    void aPartFileLockedByAnotherDownloadIsLeftAlone() throws IOException {
        server.handle("/model.bin", LocalHttpServer.file(content));
        Path target = dir.resolve("model.bin");
        try (FileChannel other = FileChannel.open(Downloader.partFile(target), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = other.lock()) {
            assertThat(lock.isValid()).isTrue();
            assertThatThrownBy(() -> new Downloader(downloadOptions(1)).download(server.uri("/model.bin"), target, null))
                    .hasMessageContaining("another download");
        }
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void httpProxyFromTheEnvironmentCarriesTheRequestWithCredentials() throws IOException {
        String expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString("user:s3cret".getBytes(StandardCharsets.UTF_8));
        try (LocalHttpServer proxy = LocalHttpServer.start()) {
            proxy.handle("/model.bin", exchange -> {
                if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Proxy-Authorization"))) {
                    exchange.getResponseHeaders().add("Proxy-Authenticate", "Basic realm=\"test proxy\"");
                    LocalHttpServer.send(exchange, 407, new byte[0]);
                } else {
                    LocalHttpServer.send(exchange, 200, content);
                }
            });
            EnvironmentProxySelector selector = EnvironmentProxySelector.of(
                    Map.of("http_proxy", "http://user:s3cret@127.0.0.1:" + proxy.port()), null);
            URI url = URI.create("http://files.example.invalid/model.bin");

            new Downloader(downloadOptions(1).withProxy(selector)).download(url, dir.resolve("model.bin"), Sha256.of(content));

            assertThat(Files.readAllBytes(dir.resolve("model.bin"))).isEqualTo(content);
            assertThat(proxy.requests()).extracting(LocalHttpServer.Request::target).contains(url.toString());
            assertThat(proxy.requests().get(proxy.requests().size() - 1).header("Proxy-Authorization")).contains(expectedAuthorization);
        }
    }

    static List<String> files(Path folder) {
        try (var stream = Files.list(folder)) {
            return stream.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package dev.imageclassifier.cli.bench;

import dev.imageclassifier.serve.ModelRegistry;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A {@code serve} process started from this same installation (same java, same classpath), so its memory
 * can be read from {@code /proc/<pid>/status} and its start-up timed to the first healthy answer.
 */
public final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final long startupMillis;
    private final Path log;

    private ServerProcess(Process process, int port, long startupMillis, Path log) {
        this.process = process;
        this.port = port;
        this.startupMillis = startupMillis;
        this.log = log;
    }

    /**
     * Starts {@code serve --model model} on a free loopback port and waits until /health answers 200.
     *
     * @param jvmOptions e.g. {@code -Xmx512m}
     * @param environment added to this process's environment
     * @param serveArgs  extra {@code serve} options
     */
    public static ServerProcess start(Path model, List<String> jvmOptions, Map<String, String> environment, List<String> serveArgs,
                                      Duration timeout)
            throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.imageclassifier.cli.Main");
        command.addAll(List.of("serve", "--host", "127.0.0.1", "--port", Integer.toString(port), "--model", model.toString()));
        command.addAll(serveArgs);
        Path log = Files.createTempFile("bench-server", ".log");
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            return new ServerProcess(process, port, awaitHealthy(process, port, log, start, timeout), log);
        } catch (IOException | InterruptedException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Milliseconds from {@code start} to the first 200 from /health. */
    private static long awaitHealthy(Process process, int port, Path log, long start, Duration timeout)
            throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> response = client.send(health, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
                if (!response.body().contains(ModelRegistry.LOADING)) {
                    throw new IllegalStateException("the server has no model: " + response.body());
                }
            } catch (IOException notListeningYet) {
                // keep polling
            }
            Thread.sleep(10);
        }
        throw new IOException("the server was not healthy within " + timeout.toSeconds() + " s:\n" + Files.readString(log));
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Milliseconds from launching the JVM to the first 200 from /health. */
    public long startupMillis() {
        return startupMillis;
    }

    public long pid() {
        return process.pid();
    }

    /** The process's peak resident memory so far (VmHWM), in KiB; empty where /proc is not available. */
    public OptionalLong peakRssKib() {
        return ProcStatus.kib(process.pid(), "VmHWM");
    }

    /** CPU seconds the server has used so far, or -1 where /proc is not available. */
    public double cpuSeconds() {
        return ProcStatus.cpuSeconds(process.pid()).orElse(-1);
    }

    /** Stops the server the way an orchestrator does (SIGTERM) and returns its exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return process.waitFor();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                stop();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file; the OS cleans up
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

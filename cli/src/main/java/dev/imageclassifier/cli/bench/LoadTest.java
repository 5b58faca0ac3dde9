package dev.imageclassifier.cli.bench;

import dev.imageclassifier.serve.MultipartBody;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-loop load: {@code concurrency} clients, each sending the same request again as soon as its
 * previous answer arrives, for a fixed time after a warm-up that is not counted.
 */
public final class LoadTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final HttpRequest request;

    public LoadTest(URI predictUri, MultipartBody body) {
        this.request = body.post(predictUri).timeout(Duration.ofSeconds(60)).build();
    }

    /** What one concurrency level measured; latencies of successful requests only, in nanoseconds. */
    public record Level(int concurrency, int succeeded, int failed, double seconds, long[] latencies, String firstError) {

        public double requestsPerSecond() {
            return succeeded / seconds;
        }

        /** The p-th percentile (0-100) latency in milliseconds, nearest-rank. */
        public double percentileMillis(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * latencies.length);
            return latencies[Math.max(0, Math.min(latencies.length - 1, rank - 1))] / 1e6;
        }
    }

    /** Runs the load for {@code duration} and reports what was measured. */
    public Level run(int concurrency, Duration duration) throws InterruptedException {
        return drive(concurrency, duration);
    }

    private Level drive(int concurrency, Duration duration) throws InterruptedException {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Thread client = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long sent = System.nanoTime();
                    String error = send();
                    if (error == null) {
                        latencies.add(System.nanoTime() - sent);
                    } else {
                        failed.incrementAndGet();
                        errors.add(error);
                    }
                }
            }, "load-" + i);
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Level(concurrency, sorted.length, failed.get(), seconds, sorted, errors.peek());
    }

    /** Sends the request once; null on 200, otherwise what went wrong. */
    private String send() {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? null : response.statusCode() + " " + response.body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}

package dev.imageclassifier.cli.bench;

import dev.imageclassifier.ModelSpeed;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * What a benchmark measured: per concurrency level throughput and latency percentiles, plus the server's
 * start-up time and peak memory when the benchmark ran the server itself.
 *
 * @param startupMillis launch to first healthy answer, or -1 for a server started elsewhere
 * @param peakRssKib    the server's peak resident memory over the whole run, or -1 when unknown
 * @param references    ONNX Runtime alone, measured before and after the server (empty when not measured)
 */
public record BenchReport(String target, String image, long startupMillis, List<Row> rows, long peakRssKib,
                          List<ModelSpeed> references) {

    /**
     * One concurrency level.
     *
     * @param serverCpuMillisPerRequest CPU time the server used per answered request (-1 when unknown): a
     *                                  figure that other work on the machine disturbs less than req/s
     * @param clientCpuMillisPerRequest CPU time the load generator (this process) used per answered request
     * @param peakRssKib                the server's peak resident memory so far (-1 when unknown)
     */
    public record Row(int concurrency, int succeeded, int failed, double requestsPerSecond, double p50Millis,
                      double p90Millis, double p99Millis, double serverCpuMillisPerRequest, double clientCpuMillisPerRequest,
                      long peakRssKib, String firstError) {

        /** @param serverCpuSeconds and {@code clientCpuSeconds}: used during the level, negative when unknown */
        public static Row of(LoadTest.Level level, double serverCpuSeconds, double clientCpuSeconds, OptionalLong peakRssKib) {
            return new Row(level.concurrency(), level.succeeded(), level.failed(), level.requestsPerSecond(),
                    level.percentileMillis(50), level.percentileMillis(90), level.percentileMillis(99),
                    perRequest(serverCpuSeconds, level), perRequest(clientCpuSeconds, level), peakRssKib.orElse(-1), level.firstError());
        }

        private static double perRequest(double cpuSeconds, LoadTest.Level level) {
            return cpuSeconds < 0 || level.succeeded() == 0 ? -1 : cpuSeconds * 1000 / level.succeeded();
        }
    }

    private static String millis(double value) {
        return value < 0 ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }

    /** The report as a text table for people. */
    public String toTable() {
        List<String> lines = new ArrayList<>();
        lines.add("server: " + target);
        lines.add("image:  " + image);
        if (startupMillis >= 0) {
            lines.add(String.format(Locale.ROOT, "start-up to first healthy answer: %d ms", startupMillis));
        }
        lines.add("");
        lines.add("concurrency  requests  errors     req/s   p50 ms   p90 ms   p99 ms  CPU ms/req server+client  peak RSS MiB");
        for (Row row : rows) {
            lines.add(String.format(Locale.ROOT, "%11d  %8d  %6d  %8.1f  %7.1f  %7.1f  %7.1f  %25s  %12s", row.concurrency, row.succeeded,
                    row.failed, row.requestsPerSecond, row.p50Millis, row.p90Millis, row.p99Millis,
                    millis(row.serverCpuMillisPerRequest) + " + " + millis(row.clientCpuMillisPerRequest),
                    row.peakRssKib < 0 ? "-" : Long.toString(row.peakRssKib / 1024)));
        }
        rows.stream().filter(row -> row.firstError != null).findFirst()
                .ifPresent(row -> lines.add("first error (concurrency " + row.concurrency + "): " + row.firstError));
        if (peakRssKib >= 0) {
            lines.add(String.format(Locale.ROOT, "server peak RSS (VmHWM): %d MiB", peakRssKib / 1024));
        }
        for (int i = 0; i < references.size(); i++) {
            ModelSpeed reference = references.get(i);
            lines.add(String.format(Locale.ROOT, "ONNX Runtime alone, %s the server: %.1f ms/image at batch 1 (median), "
                    + "%.1f images/s at batch %d", i == 0 ? "before" : "after", reference.batch1Millis(),
                    reference.imagesPerSecond(), reference.batchSize()));
        }
        return String.join(System.lineSeparator(), lines);
    }
}
